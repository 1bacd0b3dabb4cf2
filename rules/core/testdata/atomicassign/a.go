package atomicassign

import "sync/atomic"

type stats struct{ hits, misses uint64 }

func count(s *stats, total *int64) int64 {
	s.hits = atomic.AddUint64(&s.hits, 1) // want "direct assignment to atomic value s.hits"
	*total = atomic.AddInt64(total, 1) // want "direct assignment to atomic value \\*total"
	var n int32
	n = atomic.AddInt32(&n, 2) // want "direct assignment to atomic value n"
	seen := atomic.AddUint64(&s.misses, 1)
	other := int64(seen)
	other = atomic.AddInt64(total, other)
	return other
}
