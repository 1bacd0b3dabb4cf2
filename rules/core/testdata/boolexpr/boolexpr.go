package boolexpr

import "strings"

type Order struct {
	Status string
	Qty    int
	Paid   bool
}

const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

type Level int

func isSeparator(c byte) bool {
	return c != ',' || c != ';' // want `suspect or: c != ',' \|\| c != ';' is always true`
}

func closedAndOpen(o *Order) bool {
	return o.Status == StatusOpen && o.Status == StatusClosed // want `suspect and: o.Status == StatusOpen && o.Status == StatusClosed is always false`
}

func levels(l Level) bool {
	return l != Level(1) || l != Level(2) // want `suspect or: l != Level\(1\) \|\| l != Level\(2\)`
}

func repeated(o *Order, ready bool) bool {
	if o.Paid && ready && o.Paid { // want `redundant and: o.Paid && o.Paid`
		return true
	}
	return o.Qty == 0 || (o.Qty < 0 || o.Qty == 0) // want `redundant or: o.Qty == 0 \|\| o.Qty == 0`
}

func multiline(o *Order) bool {
	return o.Status == StatusOpen ||
		o.Qty > 10 || // want `redundant or: o.Qty > 10 \|\| o.Qty > 10`
		o.Qty > 10
}

// Must stay silent.

func sideEffects(next func() int, ch chan int, s string) bool {
	if next() == 1 || next() == 1 {
		return true
	}
	if <-ch == 0 && <-ch == 0 {
		return true
	}
	// the call between the two comparisons may change the variable
	var n int
	return n == 1 || bump(&n) || n == 1 || strings.HasPrefix(s, "x") || strings.HasPrefix(s, "x")
}

func bump(p *int) bool { *p++; return false }

func sensible(c byte, o *Order, a, b string) bool {
	return (c == ',' || c == ';') && c != ' ' && c != '\t' && o.Status != a || o.Status != b
}

func notConstants(x, a, b int) bool {
	// a and b may be equal: without their values nothing is sure
	return x != a || x != b
}

func mixedOperators(x int) bool {
	// && binds tighter: the inner chain is checked on its own
	return x == 1 || x == 2 && x == 1 // want `suspect and: x == 2 && x == 1`
}

func differentChains(x int) bool {
	return (x == 1 || x == 2) && (x == 1 || x == 3)
}
