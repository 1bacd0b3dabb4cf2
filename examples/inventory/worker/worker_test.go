package worker

import (
	"errors"
	"sync"
	"testing"
)

func TestProcessAllReportsErrors(t *testing.T) {
	batches := [][]Movement{{{SKU: "A-1", Delta: 2}}, {{SKU: "B-7", Delta: -1}}}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, b := range batches {
		b := b
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := applyBatch(b, func(m Movement) error {
				mu.Lock()
				defer mu.Unlock()
				seen[m.SKU] = true
				return nil
			})
			if err != nil {
				// Fatalf only ends this goroutine; the test carries on
				t.Fatalf("apply %v: %v", b, err)
			}
		}()
	}
	wg.Wait()
	if len(seen) != 2 {
		t.Errorf("saw %d SKUs, want 2", len(seen))
	}
}

func applyBatch(batch []Movement, apply Apply) error {
	var errs []error
	for _, m := range batch {
		if err := apply(m); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
