"""Go syntax added since Go 1.18, one example per spec addition, in the spec's own shape.

Each entry: (Go version, what the spec added, a whole Go file), for tests/grammar.
"""

from __future__ import annotations

EXAMPLES: list[tuple[str, str, str]] = [
    ("1.18", "type parameters on a type, recursive use", """package p

type List[T any] struct {
	next  *List[T]
	value T
}

type Pair[K comparable, V any] struct {
	key K
	val V
}
"""),
    ("1.18", "type parameters on a function, grouped names", """package p

func Map[F, T any](s []F, f func(F) T) []T {
	r := make([]T, len(s))
	for i, v := range s {
		r[i] = f(v)
	}
	return r
}
"""),
    ("1.18", "type parameter list that could be an array length: P *C", """package p

type C int

type T1[P *C] struct{}
type T2[P *C,] struct{}
type T3[P interface{ *C }] struct{}
type T4[P *C | *int] struct{}
type T5[P (C)] struct{}
"""),
    ("1.18", "array types whose length looks like a type parameter", """package p

const N, M = 2, 3

type A1 [N]int
type A2 [N * M]int
type A3 [N + M]int
type A4 [(N)]int
"""),
    ("1.18", "constraints with ~ and |, type set interfaces", """package p

type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

type Stringish interface {
	~string
	String() string
}

type Number interface {
	Integer | ~float32 | ~float64
}

func Sum[T Integer | ~float64](xs ...T) (s T) {
	for _, x := range xs {
		s += x
	}
	return s
}

func Index[S ~[]E, E comparable](s S, v E) int {
	return -1
}

func Keys[M ~map[K]V, K comparable, V any](m M) []K { return nil }

func F[T interface{ ~[]byte | ~string }](t T) {}
"""),
    ("1.18", "explicit instantiation of functions and types", """package p

var (
	f    = Map[int, string]
	g    = Map[int]
	l    List[int]
	pp   = &Pair[string, int]{key: "a", val: 1}
	ps   = []Pair[int, int]{{1, 2}}
	m    map[List[int]]Pair[int, bool]
	ch   chan List[string]
	conv = List[int](l)
)

func use() {
	x := Sum[int](1, 2)
	y := Map[int, string](nil, nil)
	var z Pair[List[int], map[string]int]
	_, _, _ = x, y, z
}
"""),
    ("1.18", "methods on generic types: receivers with type parameters", """package p

func (l *List[T]) Push(v T) {}

func (p Pair[K, V]) Key() K { return p.key }

func (p Pair[_, V]) Val() V { return p.val }

func (p *Pair[K, _]) Reset() {}
"""),
    ("1.18", "generic types embedded and in interfaces", """package p

type Node[T any] struct {
	List[T]
	*Pair[T, int]
	children []*Node[T]
}

type Getter[T any] interface {
	Get() T
	comparable
}
"""),
    ("1.18", "any and comparable as constraints", """package p

func Equal[T comparable](a, b T) bool { return a == b }

func Print[T any](v T) {}
"""),
    ("1.20", "conversion from slice to array", """package p

func arr(s []byte) {
	a := [4]byte(s)
	p := (*[4]byte)(s)
	_, _ = a, p
}
"""),
    ("1.21", "min, max and clear builtins", """package p

func builtins(a, b, c int, m map[string]int, s []int) {
	x := min(a, b, c)
	y := max(1.5, float64(a))
	clear(m)
	clear(s)
	_, _ = x, y
}
"""),
    ("1.22", "range over an integer", """package p

func ints(n int) {
	for i := range 10 {
		_ = i
	}
	for range n {
	}
	for i := range int64(n) {
		_ = i
	}
}
"""),
    ("1.23", "range over iterator functions", """package p

import "iter"

func All[V any](s []V) iter.Seq2[int, V] {
	return func(yield func(int, V) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

func use(seq func(yield func(int) bool), seq0 func(yield func() bool)) {
	for x := range seq {
		_ = x
	}
	for range seq0 {
	}
	for i, v := range All([]string{"a"}) {
		_, _ = i, v
	}
}
"""),
    ("1.24", "generic type aliases", """package p

type Set[K comparable] = map[K]bool

type A[P any] = List[P]

type B[K comparable, V any] = Pair[K, V]

type C = List[int]
"""),
    ("1.26", "new with an expression operand", """package p

import "time"

type Config struct {
	Timeout *time.Duration
	Name    *string
	Limit   *int64
}

func build(a, b, n int) *Config {
	_ = new(max(a, b))
	_ = new(int64(n))
	_ = new(Config{Name: new("x")})
	_ = new([]int{1, 2})
	_ = new(a + b)
	_ = new(-a)
	_ = new(f())
	_ = new(struct{ x int }{1})
	return &Config{
		Timeout: new(30 * time.Second),
		Name:    new("gocheck"),
		Limit:   new(int64(n)),
	}
}

func f() int { return 0 }
"""),
    ("1.26", "new with a type operand still parses as before", """package p

func types() {
	_ = new(int)
	_ = new(*int)
	_ = new([]int)
	_ = new(map[string]int)
	_ = new(List[int])
	_ = new(Pair[string, int])
	_ = new(struct{ x int })
	_ = new(func(int) error)
	_ = new(chan int)
	_ = make([]int, 3)
	_ = make(map[string]int)
}
"""),
    ("1.26", "a generic type referring to itself in its type parameter list", """package p

type Adder[A Adder[A]] interface {
	Add(A) A
}

type Ordered[T Ordered[T]] interface {
	Less(T) bool
}

func Smallest[T Ordered[T]](xs []T) T { return xs[0] }
"""),
    ("1.27", "generic methods: a method declaring its own type parameters", """package p

type Rand struct{}

type intType interface{ ~int | ~int32 | ~int64 }

func (r *Rand) N[Int intType](n Int) Int { return n }

func (s *Set[T]) Map[U any, V comparable](f func(T) U, g func(U) V) *Set[V] { return nil }

func (s Set[_]) Len[P *C,]() int { return 0 }

func use(r *Rand) {
	_ = r.N(10)
	_ = r.N[int64](10)
}
"""),
    ("1.27", "struct literal keys naming promoted fields", """package p

type Habitat struct{ Burrow string }

type Gopher struct {
	Name string
	Habitat
}

var g = Gopher{
	Name:   "Gopher",
	Burrow: "Burrow #42",
}
"""),
]
