package nilcheck

import (
	"errors"
	"fmt"
)

type Conn struct{ Addr string }

type notFound struct{ id string }

func (e notFound) Error() string { return "not found: " + e.id }

func newNotFound(id string) error { return notFound{id} }

// Returns nil only together with a non-nil error.
func dial(addr string) (*Conn, error) {
	if addr == "" {
		return nil, errors.New("no address")
	}
	return &Conn{Addr: addr}, nil
}

// Propagates dial's nil through a `return g(...)`.
func dialDefault() (*Conn, error) {
	return dial("")
}

func parseAddr(s string) (string, error) { return s, nil }

// nil with the error of a failed call, checked right before.
func open(s string) (*Conn, error) {
	addr, err := parseAddr(s)
	if err != nil {
		return nil, err
	}
	return &Conn{Addr: addr}, nil
}

// nil with an error built by this package's constructor.
func lookupConn(id string) (*Conn, error) {
	if id == "" {
		return nil, newNotFound(id)
	}
	return &Conn{}, nil
}

type Pool struct{ conns map[string]*Conn }

func (p *Pool) Get(addr string) (*Conn, error) {
	c, ok := p.conns[addr]
	if !ok {
		return nil, fmt.Errorf("no connection to %s", addr)
	}
	return c, nil
}

func discarded() string {
	c, _ := dial("x")
	return c.Addr // want `possible nil pointer dereference \(c is nil when dial fails: it returns nil with an error at results.go:19; the error is discarded\)`
}

func propagated() string {
	c, _ := dialDefault()
	return c.Addr // want `c is nil when dialDefault fails: it returns dial\(...\) at results.go:26, which returns nil with an error at results.go:19`
}

func checkedLate() (string, error) {
	c, err := open("x")
	name := c.Addr // want `c is nil when open fails: it returns nil with an error at results.go:35; err is checked only after this use`
	if err != nil {
		return "", err
	}
	return name, nil
}

func viaConstructor() string {
	c, _ := lookupConn("")
	return c.Addr // want `c is nil when lookupConn fails`
}

func viaMethod(p *Pool) string {
	c, _ := p.Get("x")
	if c.Addr == "" { // want `c is nil when p.Get fails`
		return "?"
	}
	return c.Addr
}

// -- traps: all silent ---------------------------------------------------------------------

// The error is checked first.
func checkedFirst() (string, error) {
	c, err := dial("x")
	if err != nil {
		return "", err
	}
	return c.Addr, nil
}

// The result is checked for nil instead of the error.
func nilChecked() string {
	c, _ := dial("x")
	if c == nil {
		return ""
	}
	return c.Addr
}

// Used only on some paths.
func guardedUse(ok bool) string {
	c, _ := dial("x")
	if ok && c.Addr != "" {
		return c.Addr
	}
	return ""
}

// A function that returns nil only with a nil error: nothing certain about its failure.
func findConn(id string) (*Conn, error) {
	if id == "" {
		return nil, nil
	}
	return &Conn{}, nil
}

func getter() string {
	c, _ := findConn("x")
	if c != nil {
		return c.Addr
	}
	return ""
}

// The error may be nil: `err` is not known to be non-nil where it is returned.
func maybeErr(err error) (*Conn, error) {
	return nil, err
}

func wrapped() string {
	c, _ := maybeErr(nil)
	return c.Addr
}

// The error is reassigned before the return: not certain.
func reassigned(s string) (*Conn, error) {
	_, err := parseAddr(s)
	if err != nil {
		err = cleanup()
		return nil, err
	}
	return &Conn{}, nil
}

func cleanup() error { return nil }

func afterReassigned() string {
	c, _ := reassigned("x")
	return c.Addr
}

// A deferred recover in the caller: a panic there is handled on purpose.
func recovered() (addr string) {
	defer func() {
		if recover() != nil {
			addr = ""
		}
	}()
	c, _ := dial("x")
	return c.Addr
}

// A method call on the result: pointer receivers may accept nil.
func (c *Conn) String() string {
	if c == nil {
		return "<nil>"
	}
	return c.Addr
}

func methodCall() string {
	c, _ := dial("x")
	return c.String()
}

// Inside a func literal, or a loop body: may not run.
func later(xs []int) func() string {
	c, _ := dial("x")
	for range xs {
		_ = c.Addr
	}
	return func() string { return c.Addr }
}
