package deadstore

// Func literals inside functions: each is checked on its own, and a variable any nested
// literal (at any depth) mentions is left alone.

func compute(n int) int { return n * 3 }

func literalOwnStore(n int) func() int {
	return func() int {
		y := compute(n) // want "this value of y is never used"
		y = n + 1
		return y
	}
}

func capturedTwoDeep(n int) func() func() int {
	x := compute(n)
	return func() func() int {
		return func() int { return x }
	}
}

func literalVarCapturedByItsLiteral(n int) func() int {
	return func() int {
		z := compute(n)
		g := func() int { return z }
		z = compute(n + 1)
		return g()
	}
}

func sameNameInSiblings(n int) (func() int, func() int) {
	a := func() int {
		v := compute(n) // want "this value of v is never used"
		v = 1 + n
		return v
	}
	b := func() int {
		v := compute(n)
		return v
	}
	return a, b
}

func outerStoreBesideLiteral(n int) int {
	w := compute(n) // want "this value of w is never used"
	run(func() { _ = compute(n) })
	w = n
	return w
}

func readInCondition(n int) int {
	c := compute(n)
	if c > 2 {
		return 1
	}
	return 0
}

// A goto anywhere in a function, a nested literal included, leaves the function and the
// literal alone: the graph is not trusted there.
func gotoInLiteral(n int) int {
	u := compute(n)
	f := func() int {
		t := compute(n)
		if n > 0 {
			goto done
		}
		t = 2 * n
	done:
		return t
	}
	u = f()
	return u
}

func run(f func()) { f() }
