package emptycritical

import (
	"sync"
	"testing"
)

func TestLockUnlock(t *testing.T) {
	var mu sync.Mutex
	for i := 0; i < 10; i++ {
		mu.Lock()
		mu.Unlock()
	}
}
