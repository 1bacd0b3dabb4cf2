package waitgroupadd

import "sync"

type Item struct{ ID int }

type Pool struct {
	wg      sync.WaitGroup
	pending int
}

func process(Item) {}

func processAll(items []Item) {
	var wg sync.WaitGroup
	for _, item := range items {
		go func(item Item) {
			wg.Add(1) // want `wg.Add called inside the goroutine it counts`
			defer wg.Done()
			process(item)
		}(item)
	}
	wg.Wait()
}

func (p *Pool) Submit(item Item) {
	go func() {
		p.wg.Add(1) // want `p.wg.Add called inside the goroutine`
		defer p.wg.Done()
		process(item)
	}()
}

func withPointer(items []Item, wg *sync.WaitGroup) {
	for _, item := range items {
		go func(it Item) {
			wg.Add(1) // want `wg.Add called inside`
			process(it)
			wg.Done()
		}(item)
	}
}

func allocated(items []Item) {
	wg := new(sync.WaitGroup)
	go func() {
		wg.Add(len(items)) // want `wg.Add called inside`
		for _, it := range items {
			process(it)
			wg.Done()
		}
	}()
	wg.Wait()
}

// Must stay silent.

func correct(items []Item) {
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Add(1)
		go func(item Item) {
			defer wg.Done()
			process(item)
		}(item)
	}
	wg.Wait()
}

type counter struct{ n int }

func (c *counter) Add(n int) { c.n += n }

func notAWaitGroup(c *counter, other interface{ Add(int) }) {
	go func() {
		c.Add(1)
	}()
	go func() {
		other.Add(1)
	}()
}

func nested(items []Item) {
	var outer sync.WaitGroup
	outer.Add(1)
	go func() {
		defer outer.Done()
		var inner sync.WaitGroup
		inner.Add(1)
		go func() {
			defer inner.Done()
		}()
		inner.Wait()
	}()
	outer.Wait()
}

func ownWaitGroup() {
	go func() {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done() }()
		wg.Wait()
	}()
}
