package deferlock

import "sync"

type cache struct {
	mu   sync.RWMutex
	data map[string]string
}

func (c *cache) put(k, v string) {
	c.mu.Lock()
	defer c.mu.Lock() // want "deferring Lock right after having locked already; did you mean to defer Unlock\\?"
	c.data[k] = v
}

func (c *cache) get(k string) string {
	c.mu.RLock()
	// read under the lock
	defer c.mu.RLock() // want "did you mean to defer RUnlock"
	return c.data[k]
}

func (c *cache) fine(other *sync.Mutex) {
	c.mu.Lock()
	defer c.mu.Unlock()
	other.Lock()
	defer c.mu.Lock()
	c.mu.RLock()
	defer c.mu.Lock()
}
