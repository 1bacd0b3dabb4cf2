package appendresult

type User struct{ Name string }

func names(users []User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name) // want "this result of append is never used: nothing reads out"
	}
	return nil
}

func built() {
	ids := make([]int, 0, 4)
	ids = append(ids, 1) // want "result of append is never used"
	ids = append(ids, 2) // want "result of append is never used"
}

func returned(users []User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name)
	}
	return out
}

func named(n int) (out []int) {
	out = append(out, n)
	return
}

func passedOn(sink func([]int)) {
	var xs []int
	xs = append(xs, 1)
	sink(xs)
}

func capturedByClosure() func() int {
	var xs []int
	xs = append(xs, 1)
	return func() int { return len(xs) }
}

func param(xs []int) {
	xs = append(xs, 1) // the caller's backing array may see it: left alone
}

func aliased(a []int) []int {
	b := a[:0]
	for _, x := range a {
		b = append(b, x) // seen through a
	}
	return a
}
