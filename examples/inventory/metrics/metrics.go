// Package metrics counts requests and stock movements for the status page.
package metrics

import (
	"math"
	"sync"
	"sync/atomic"
)

// Level says how urgent a stock alert is.
type Level int

// The alert levels. Only Info gets the type: Warning and Critical are plain untyped ints.
const (
	Info     Level = 1
	Warning        = 2
	Critical       = 3
)

// Counters is shared by every request handler.
type Counters struct {
	mu       sync.Mutex
	requests int64
	byLevel  map[Level]int
	last     *Sample
}

// Sample is one measured request.
type Sample struct {
	Millis float64
}

// NewCounters returns empty counters.
func NewCounters() *Counters {
	return &Counters{byLevel: make(map[Level]int)}
}

// Hit counts one request. The atomic add stores the new value already; the plain store races.
func (c *Counters) Hit() {
	c.requests = atomic.AddInt64(&c.requests, 1)
}

// Raise counts an alert of the given level.
func (c *Counters) Raise(l Level) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byLevel[l]++
}

// Alerts returns how many alerts of a level were raised. The value receiver copies the mutex.
func (c Counters) Alerts(l Level) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byLevel[l]
}

// Observe records a sample; the address of a field is never nil.
func (c *Counters) Observe(s *Sample) {
	if &c.last == nil {
		return
	}
	c.last = s
}

// Average is the mean of the samples, 0 when there are none.
func Average(samples []Sample) float64 {
	sum := 0.0
	for _, s := range samples {
		sum += s.Millis
	}
	avg := sum / float64(len(samples))
	if avg == math.NaN() { // never true: no value equals NaN
		return 0
	}
	return avg
}

// Shrink is how much stock went down between two counts, or 0.
func Shrink(before, after uint) uint {
	diff := before - after
	if diff < 0 { // an unsigned difference is never negative: it wraps around
		return 0
	}
	return diff
}

// Key packs a warehouse and a shelf number into one map key.
func Key(warehouse, shelf uint32) uint64 {
	return uint64(warehouse<<32 | shelf) // the warehouse bits are shifted out before the conversion
}

// Recent returns the last n samples. The argument is replaced before it is read, so every
// caller gets ten.
func Recent(samples []Sample, n int) []Sample {
	n = 10
	if len(samples) < n {
		return samples
	}
	return samples[len(samples)-n:]
}
