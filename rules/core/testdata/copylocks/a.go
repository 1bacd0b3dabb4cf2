package copylocks

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c counter) get(k string) int { // want "get has a value receiver of counter, which contains sync.Mutex"
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func (c *counter) put(k string) {
	c.mu.Lock()
	c.n[k]++
	c.mu.Unlock()
}

type registry struct {
	counters [2]counter
	name     string
}

func describe(r registry) string { // want "describe passes lock by value: r is a registry, which contains sync.Mutex"
	return r.name
}

type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

type handle struct {
	_  noCopy
	fd int
}

func (h handle) fd2() int { return h.fd } // want "contains noCopy"

type stats struct {
	hits atomic.Int64
	sync.RWMutex
}

func report(wg sync.WaitGroup, s stats, ptr *stats, list []stats) { // want "report passes lock by value: wg is a sync.WaitGroup" "s is a stats, which contains atomic.Int64"
	_ = func(inner stats) {} // want "func literal passes lock by value"
	_, _ = ptr, list
}

type plain struct {
	mu    *sync.Mutex
	other map[string]sync.Mutex
}

func (p plain) ok() {}

type shared struct {
	*counter
	id int
}

func (s shared) ident() int { return s.id }

type node struct {
	next *node
	val  int
}

func (n node) walk() int { return n.val }

func total(list []counter, byName map[string]stats, ptrs []*counter, arr *[2]counter) int {
	n := 0
	for _, c := range list { // want "range var c copies lock: each element is a counter, which contains sync.Mutex"
		n += len(c.n)
	}
	for i := range list {
		n += len(list[i].n)
	}
	for name, s := range byName { // want "range var s copies lock"
		n += len(name) + int(s.hits.Load())
	}
	for _, p := range ptrs {
		n += len(p.n)
	}
	for _, c := range arr { // want "range var c copies lock"
		n += len(c.n)
	}
	return n
}

func show(c counter, p *counter) counter { // want "show passes lock by value: c is a counter"
	describe(registry{})
	_ = fmt.Sprint(c) // want "call of fmt.Sprint copies lock value: c is a counter, which contains sync.Mutex"
	_ = fmt.Sprint(p, len(p.n))
	var wg sync.WaitGroup
	wait(&wg)
	return c // want "return copies lock value: c is a counter"
}

func wait(wg *sync.WaitGroup) { wg.Wait() }
