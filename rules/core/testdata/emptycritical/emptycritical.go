package emptycritical

import "sync"

type Cache struct {
	mu    sync.RWMutex
	items map[string][]byte
}

var global sync.Mutex

func (c *Cache) Put(k string, v []byte) {
	c.mu.Lock()
	c.mu.Unlock() // want `empty critical section: c.mu.Unlock\(\) right after c.mu.Lock\(\)`
	c.items[k] = v
}

func (c *Cache) Len() int {
	c.mu.RLock()
	c.mu.RUnlock() // want `empty critical section: c.mu.RUnlock\(\)`
	return len(c.items)
}

func bump(n *int) {
	if *n > 0 {
		global.Lock(); global.Unlock() // want `empty critical section: global.Unlock`
	}
	*n++
}

// Must stay silent.

func (c *Cache) Get(k string) []byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.items[k]
}

func (c *Cache) waitForWriters() {
	c.mu.Lock()
	defer c.mu.Unlock()
}

func (c *Cache) documentedAbove() {
	// Take the lock once to wait for any in-flight Put to finish.
	c.mu.Lock()
	c.mu.Unlock()
}

func (c *Cache) documentedOnTheLine() {
	c.mu.Lock() // wait for in-flight writers
	c.mu.Unlock()
}

func (c *Cache) barrier() {
	c.mu.Lock()
	// Wait until the writer that holds the lock has finished its batch.
	c.mu.Unlock()
}

func (c *Cache) mismatched() {
	c.mu.Lock()
	c.mu.RUnlock()
}

func differentLocks(a, b *sync.Mutex) {
	a.Lock()
	b.Unlock()
}

func fromCall(get func() *sync.Mutex) {
	get().Lock()
	get().Unlock()
}

func (c *Cache) work(k string) {
	c.mu.Lock()
	delete(c.items, k)
	c.mu.Unlock()
}
