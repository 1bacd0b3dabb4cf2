package deferinloop

import (
	"os"
	"sync"
)

func closeAll(names []string) error {
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close() // want "defer in a loop"
		_ = f
	}
	return nil
}

func lockEach(mus []*sync.Mutex) {
	for i := 0; i < len(mus); i++ {
		mu := mus[i]
		mu.Lock()
		if i%2 == 0 {
			defer mu.Unlock() // want "defer in a loop"
		}
	}
}

func switchInLoop(xs []int, open func(int) *os.File) {
	for _, x := range xs {
		switch x {
		case 1:
			f := open(x)
			defer func() { f.Close() }() // want "deferred calls run only when the function returns"
			break // leaves the switch, not the loop
		}
	}
}

// Cleanup of values from outside the loop body, at the end of the function: deliberate.
func removeAtEnd(names []string, mu *sync.Mutex) {
	for _, name := range names {
		defer os.Remove(name)
	}
	for range names {
		mu.Lock()
		defer mu.Unlock()
	}
	for i := 0; i < 3; i++ {
		defer func(n int) {
			if recover() != nil {
				_ = n
			}
		}(i)
	}
}

// The function literal runs (and returns) in each iteration: its defer is fine.
func perIteration(names []string) {
	for _, name := range names {
		func() {
			f, err := os.Open(name)
			if err != nil {
				return
			}
			defer f.Close()
		}()
	}
}

// Found it: open, defer and return, so the defer runs once.
func findFirst(names []string) (*os.File, error) {
	for _, name := range names {
		if name == "wanted" {
			f, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return f, nil
		}
	}
	return nil, nil
}

// A retry loop that breaks right after the defer.
func retry() {
	for {
		f, err := os.Open("x")
		if err != nil {
			continue
		}
		defer f.Close()
		break
	}
}

func deferOutsideLoop(names []string) {
	f, _ := os.Open("log")
	defer f.Close()
	for range names {
	}
}

func panicsAfter(xs []int, mu *sync.Mutex) {
	for range xs {
		mu.Lock()
		defer mu.Unlock()
		panic("stop")
	}
}
