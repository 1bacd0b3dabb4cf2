package nilcheck

import "log"

type Session struct{ User string }

type Registry struct {
	sessions map[string]*Session
	names    map[string]Session
}

func lookupLogged(sessions map[string]*Session, id string) string {
	s, ok := sessions[id]
	if !ok {
		log.Printf("no session %s", id)
	}
	return s.User // want `possible nil pointer dereference \(s is nil when the key is missing: ok is checked at line 14, and that branch does not leave\)`
}

func (r *Registry) lookupField(id string) Session {
	s, found := r.sessions[id]
	if !found {
		log.Print("missing")
	}
	user := "x"
	_ = user
	return *s // want `s is nil when the key is missing: found is checked at line 22`
}

// -- traps: all silent ---------------------------------------------------------------------

// The missing branch leaves.
func lookupLeaves(sessions map[string]*Session, id string) string {
	s, ok := sessions[id]
	if !ok {
		return ""
	}
	return s.User
}

// The missing branch fills the value in.
func lookupFilled(sessions map[string]*Session, id string) string {
	s, ok := sessions[id]
	if !ok {
		s = &Session{}
	}
	return s.User
}

// A struct value: a missing key gives a zero Session, not nil.
func (r *Registry) lookupValue(id string) string {
	s, ok := r.names[id]
	if !ok {
		log.Print("missing")
	}
	return s.User
}

// A named map type: not told from the declaration here.
type sessionMap map[string]*Session

func lookupNamed(sessions sessionMap, id string) string {
	s, ok := sessions[id]
	if !ok {
		log.Print("missing")
	}
	return s.User
}

// The check is not right after the lookup, or is of something else.
func lookupLaterCheck(sessions map[string]*Session, id string, other bool) string {
	s, ok := sessions[id]
	if !other {
		log.Print("other")
	}
	if !ok {
		log.Print("missing")
	}
	_ = ok
	return s.User
}

// A method call: pointer receivers may accept nil.
func (s *Session) Name() string {
	if s == nil {
		return ""
	}
	return s.User
}

func lookupMethod(sessions map[string]*Session, id string) string {
	s, ok := sessions[id]
	if !ok {
		log.Print("missing")
	}
	return s.Name()
}

// A call in between, which may not return: silent, as for fields.
func lookupCallBetween(sessions map[string]*Session, id string) string {
	s, ok := sessions[id]
	if !ok {
		log.Print("missing")
	}
	refresh()
	return s.User
}

func refresh() {}

// A deferred recover handles the panic on purpose.
func lookupRecovered(sessions map[string]*Session, id string) (user string) {
	defer func() {
		if recover() != nil {
			user = ""
		}
	}()
	s, ok := sessions[id]
	if !ok {
		log.Print("missing")
	}
	return s.User
}
