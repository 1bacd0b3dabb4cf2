package selfassign

type Server struct{ name string }

func (s *Server) SetName(name string) {
	name = name // want "self-assignment of name to name"
}

func swap(a, b int) (int, int) {
	a, b = a, b // want "self-assignment of a to a" "self-assignment of b to b"
	a, b = b, a
	a, b = a, 2 // want "self-assignment of a to a"
	return a, b
}

func fields(s *Server, t *Server) {
	s.name = s.name // want "self-assignment of s.name to s.name"
	s.name = t.name
}

func withCalls(xs []int, next func() int, ch chan int) {
	xs[next()] = xs[next()]
	var v int
	v = <-ch
	_ = v
	_ = xs
}
