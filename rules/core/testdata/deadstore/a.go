package deadstore

import "errors"

func read(p string) ([]byte, error)     { return nil, nil }
func decode(b []byte) ([]byte, error) { return b, nil }

func load(path string) ([]byte, error) {
	data, err := read(path) // want "this value of err is never used"
	data, err = decode(data)
	if err != nil {
		return nil, err
	}
	return data, nil
}

func overwritten(n int) int {
	x := n * 2 // want "this value of x is never used"
	x = n * 3
	return x
}

func lastWrite(n int) {
	total := 0
	for i := 0; i < n; i++ {
		total += i // each value is read by the next +=: liveness alone does not see the cycle is dead
	}
}

func param(limit int) int {
	limit = overwritten(limit) // want "this value of limit is never used"
	return 0
}

func loopCarried(xs []int) int {
	sum := 0
	for _, x := range xs {
		sum += x
	}
	return sum
}

func branches(ok bool) error {
	err := errors.New("a")
	if ok {
		err = errors.New("b")
	}
	return err
}

func resets(xs []int) []int {
	var out []int
	out = nil
	err := errors.New("x") // want "this value of err is never used"
	err = nil
	_ = err
	return append(out, xs...)
}

func captured() func() int {
	x := 1
	f := func() int { return x }
	x = 2
	return f
}

func addressTaken() int {
	x := 1
	p := &x
	x = 2
	return *p
}

func named() (err error) {
	err = errors.New("seen by the bare return")
	return
}

func switchTag(s string) int {
	n := len(s)
	switch n {
	case 1:
		return 1
	}
	return 0
}

func namedShadow(r interface{ Read() (int, error) }) (n int, err error) {
	n, err = r.Read()
	if err != nil {
		err = errors.New("wrapped")
		return
	}
	return
}

func initialValues(s string) int {
	r, w := rune(0), 0
	for i := 0; i < len(s); i += w {
		r, w = rune(s[i]), 1
		_ = r
	}
	return w
}

type item struct{ n int }

func shadowsType(n int) int {
	var (
		item  = item{n: n * 2}
		total = item.n + 1
	)
	return total
}
