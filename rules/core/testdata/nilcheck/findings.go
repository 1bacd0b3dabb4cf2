package nilcheck

import (
	"errors"
	"log"
)

type Node struct {
	Name string
	Next *Node
}

type Shape interface{ Area() float64 }

// Use after a check whose nil branch does not leave.
func name(n *Node) string {
	if n == nil {
		log.Printf("no node")
	}
	return n.Name // want `possible nil pointer dereference \(n is compared with nil at line 17\)`
}

// Check after use: either the check is dead or the dereference panics.
func rename(n *Node, s string) {
	n.Name = s // want `possible nil pointer dereference \(n is compared with nil at line 26\)`
	if n == nil {
		return
	}
}

// Nil on every path.
func definitelyNil(cond bool) {
	var n *Node
	if cond {
		println("cond")
	}
	println(n.Name) // want "nil dereference in field selection"
}

func insideNilBranch(n *Node) {
	if n == nil {
		n.Next = nil // want "nil dereference in field selection"
		*n = Node{}  // want "nil dereference in store"
	}
}

func loadAndFuncCall(p *int, f func()) {
	if p != nil {
		return
	}
	println(*p) // want "nil dereference in load"
	if f == nil {
		f() // want "nil dereference in dynamic function call"
	}
}

func interfaces(s Shape, v interface{}) {
	if s == nil {
		println(s.Area()) // want "nil dereference in dynamic method call"
	}
	if v == nil {
		_ = v.(string) // want "nil dereference in type assertion"
	}
}

func arrays(a *[4]int) {
	if a == nil {
		a[0] = 1    // want "nil dereference in index operation"
		_ = a[1:]   // want "nil dereference in slice operation"
	}
}

func conditions() error {
	err := find()
	if err != nil {
		return err
	}
	if err != nil { // want `impossible condition: nil != nil \(err is always nil here\)`
		return errors.New("unreachable")
	}
	m := make(map[string]int)
	if m == nil { // want "impossible condition: non-nil == nil"
		return nil
	}
	n := &Node{}
	if n != nil && n.Name == "" { // want "tautological condition: non-nil != nil"
		return nil
	}
	return nil
}

func find() error { return nil }

func describe(v interface{}) {
	switch v.(type) {
	case nil:
		return
	}
	switch v.(type) {
	case nil: // want "impossible condition: non-nil == nil"
		println("never")
	}
}

// Value receiver: calling it through a nil pointer copies *p and panics.
type Point struct{ X, Y int }

func (p Point) Sum() int { return p.X + p.Y }

// Pointer receiver that dereferences straight away.
func (p *Point) Len() int { return p.X*p.X + p.Y*p.Y }

// Pointer receiver that is nil-safe.
func (p *Point) String() string {
	if p == nil {
		return "<nil>"
	}
	return "point"
}

func receivers(p *Point) {
	if p == nil {
		println(p.Sum())    // want `nil dereference in method call: \(Point\).Sum has a value receiver`
		println(p.Len())    // want `nil dereference in method call: \(\*Point\).Len dereferences its receiver`
		println(p.String()) // nil receivers are fine here
	}
}

// Same-package helpers whose every path panics end the path, like panic itself.
func fail(msg string) { panic(msg) }

func checked(n *Node) string {
	if n == nil {
		fail("nil node")
	}
	if n != nil { // want "tautological condition: non-nil != nil"
		return n.Name
	}
	return ""
}

func panicNil() {
	var err error
	panic(err) // want "panic with nil value"
}
