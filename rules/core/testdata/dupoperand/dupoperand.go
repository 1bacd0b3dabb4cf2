package dupoperand

import "math"

type Point struct {
	X, Y  int
	Score float64
	Name  string
}

type Celsius float64

type Mask uint8

func samePoint(a, b Point) bool {
	return a.X == a.X && a.Y == b.Y // want `identical expressions on the left and right side of the '==' operator: a.X`
}

func differentName(a, b *Point) bool {
	return a.Name != a.Name // want `identical expressions .* '!=' operator`
}

func span(lo, hi int) int {
	if lo < lo { // want `'<' operator`
		return 0
	}
	return hi - hi // want `'-' operator: hi`
}

func flags(m Mask, other Mask) Mask {
	x := m & m  // want `'&' operator`
	y := m &^ m // want `'&\^' operator`
	z := other | other // want `'\|' operator`
	return x ^ y ^ z
}

func remainder(n int) int {
	return n % n // want `'%' operator`
}

func spaced(a Point) bool {
	return a.X+1 >= a.X+1 // want `'>=' operator: a.X\+1`
}

func literals() bool {
	const limit = 10
	return limit == limit // want `'==' operator: limit`
}

// NaN and infinity idioms must stay silent.

func isNaN(f float64) bool {
	return f != f
}

func isFinite(f float64) bool {
	return !math.IsNaN(f - f)
}

func scoreIsNaN(p Point) bool {
	return p.Score != p.Score
}

func tempIsNaN(c Celsius) bool {
	return c != c
}

func unknownType(v interface{ Get() float64 }, w struct{ X float32 }) bool {
	return w.X == w.X
}

func ratio(x float32) float32 {
	return x / x
}

func fromCall(f func() int, ch chan int) bool {
	return f() == f() || <-ch == <-ch
}

func lessIsAlwaysFalseEvenForFloats(f float64) bool {
	return f < f // want `'<' operator`
}

func different(a, b Point) bool {
	return a.X == b.X && a.X+1 == a.X+2
}

func plusAndTimesAreFine(n int) int {
	return n + n + n*n
}

const alwaysTrue = 0 == 0

func formula(n int) int {
	return n + (8 - 8)
}

func load(path string) (*Point, error) { return nil, nil }

func pair() (float64, int) { return 0, 0 }

func check(path string) error {
	p, err := load(path)
	if err != err { // want `'!=' operator: err`
		return err
	}
	f, n := pair()
	if f != f || n == n { // want `'==' operator: n`
		return nil
	}
	_ = p
	return nil
}
