package loopclosure

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Order struct{ ID int }

func ship(o Order) error { return nil }

func shipAll(orders []Order) {
	var wg sync.WaitGroup
	for _, o := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = ship(o) // want "loop variable o captured by func literal"
		}()
	}
	wg.Wait()
}

func closeAll(names []string) {
	for i, name := range names {
		defer func() {
			fmt.Println(i, name) // want "loop variable i captured by func literal" "loop variable name captured by func literal"
		}()
	}
}

func counter() {
	for i := 0; i < 3; i++ {
		go func() {
			fmt.Println(i) // want "loop variable i captured by func literal"
		}()
	}
}

func lastInBranches(orders []Order, urgent bool) {
	for _, o := range orders {
		if urgent {
			go func() { _ = ship(o) }() // want "loop variable o captured by func literal"
		} else {
			defer func() { _ = ship(o) }() // want "loop variable o captured by func literal"
		}
	}
}

func withGroup(ctx context.Context, orders []Order) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, o := range orders {
		g.Go(func() error {
			return ship(o) // want "loop variable o captured by func literal"
		})
	}
	_ = ctx
	return g.Wait()
}

// Not the last statement: whatever follows may wait for the goroutine (vet's rule too).
func notLast(orders []Order) {
	var wg sync.WaitGroup
	for _, o := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = ship(o)
		}()
		wg.Wait()
	}
}

// Passed as an argument or copied: a fresh value per goroutine.
func copied(orders []Order) {
	for _, o := range orders {
		go func(o Order) { _ = ship(o) }(o)
	}
	for _, o := range orders {
		o := o
		go func() { _ = ship(o) }()
	}
}

// Some other type's Go method is not a goroutine.
type runner struct{}

func (runner) Go(f func() error) { _ = f() }

func otherGo(orders []Order) {
	var r runner
	for _, o := range orders {
		r.Go(func() error { return ship(o) })
	}
}
