package nilcheck

import (
	"log"
	"os"
)

// Everything in this file must stay silent.

// A wrapper that never returns, in this package.
func die(format string, args ...interface{}) {
	log.Printf(format, args...)
	os.Exit(2)
}

func usesWrapper(n *Node) string {
	if n == nil {
		die("no node")
	}
	return n.Name
}

// A logger of unknown type whose Fatal probably never returns.
type logger interface{ Fatalf(string, ...interface{}) }

func unknownFatal(l logger, n *Node) string {
	if n == nil {
		l.Fatalf("no node")
	}
	return n.Name
}

// Nil receivers are allowed: protobuf-style getters check for them.
type Msg struct{ name *string }

func (m *Msg) GetName() string {
	if m == nil || m.name == nil {
		return ""
	}
	return *m.name
}

func getters(m *Msg) string {
	if m == nil {
		return m.GetName()
	}
	return m.GetName()
}

// A method of another package on a possibly nil pointer: not ours to judge.
func foreign(f *os.File) {
	if f == nil {
		f.Close()
	}
}

// Reassigned inside a closure: the dataflow cannot follow it.
func closureAssigns(load func(func())) string {
	var n *Node
	load(func() { n = &Node{Name: "x"} })
	return n.Name
}

// Reassigned in the loop: a check in an earlier iteration says nothing now.
func loops(items []*Node) {
	var prev *Node
	for _, it := range items {
		if prev != nil {
			println(prev.Name)
		}
		prev = it
	}
	var cur *Node
	for i := 0; i < 3; i++ {
		if i > 0 {
			println(cur.Name) // set by the previous iteration
		}
		if cur == nil {
			cur = items[i]
		}
	}
}

// Its address is taken: anything may set it.
func addressTaken(fill func(**Node)) string {
	var n *Node
	fill(&n)
	if n == nil {
		return ""
	}
	return n.Name
}

// Correlated conditions: the dereference does not follow the check on every path.
func correlated(n *Node) {
	ok := false
	if n != nil {
		ok = true
	}
	if ok {
		println(n.Name)
	}
}

// Maps, slices and their len are fine when nil.
func nilCollections(m map[string]int, s []int) int {
	if m == nil && s == nil {
		return m["a"] + len(s)
	}
	for range s {
	}
	return len(m)
}

// Early exits by return, continue and break.
func exits(ns []*Node) {
	for _, n := range ns {
		if n == nil {
			continue
		}
		println(n.Name)
	}
	for _, n := range ns {
		if n == nil {
			break
		}
		println(n.Name)
	}
}

// A switch and a goto.
func switches(n *Node, k int) string {
	switch {
	case n == nil:
		return ""
	case k > 0:
		return n.Name
	}
again:
	if n.Next != nil {
		n = n.Next
		goto again
	}
	return n.Name
}

// Reassigned before use.
func reassigned(n *Node) string {
	if n == nil {
		n = &Node{}
	}
	return n.Name
}

// The dereference is on the branch where the check said non-nil.
func guarded(a, b *Node) string {
	if a == nil || b == nil {
		return ""
	}
	if a.Next != nil && a.Next.Next == nil {
		return a.Name + b.Name
	}
	return b.Name
}

// Comma-ok type assertions never panic.
func commaOk(v interface{}) {
	if v == nil {
		s, ok := v.(string)
		println(s, ok)
	}
}

// Short-circuit evaluation inside expressions refines the right operand.
func shortCircuit(n *Node) bool {
	for n != nil && n.Name == "" {
		n = n.Next
	}
	return n != nil && n.Name == "x"
}

// The nil branch sets the error that guards the later use.
func errGuard(find func() (*Node, error)) (string, error) {
	n, err := find()
	if n == nil && err == nil {
		err = errNotFound
	}
	if err != nil {
		return "", err
	}
	return n.Name, nil
}

var errNotFound = errorString("not found")

type errorString string

func (e errorString) Error() string { return string(e) }

// The runtime's way to say "not reached": a deliberate crash ends the path.
func throw(s string) {
	println(s)
	*(*int)(nil) = 0 // not reached
}

func crashes(n *Node) {
	if n == nil {
		throw("nil node")
	}
	n.Name = ""
}

// A dereference in a later operand of && runs only when the earlier ones hold.
func conditionalOperand(n *Node, verbose bool) bool {
	if n == nil {
		println("no node")
	}
	return verbose && n.Name != ""
}
