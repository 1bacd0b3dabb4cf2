package deferinloop

import (
	"context"
	"os"
	"sync"
	"time"
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

// The return is one block up: the defer runs at most once.
func returnOneBlockUp(names []string) error {
	for _, name := range names {
		if name != "" {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
		}
		return nil
	}
	return nil
}

// A continue before the outer return keeps the loop going: still a problem.
func continueBeforeReturn(names []string) error {
	for _, name := range names {
		if name != "" {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close() // want "defer in a loop"
			if f == nil {
				continue
			}
		}
		return nil
	}
	return nil
}

// Small fixed tables: at most a handful of resources, held until the end on purpose.
func table(mus []*sync.Mutex) {
	cases := []struct{ name string }{{"a"}, {"b"}, {"c"}}
	for _, c := range cases {
		f, _ := os.Open(c.name)
		defer f.Close()
	}
	for _, name := range []string{"x", "y"} {
		f, _ := os.Open(name)
		defer f.Close()
	}
	for i := 0; i < 3; i++ {
		mu := mus[i]
		mu.Lock()
		defer mu.Unlock()
	}
}

// Kept open on purpose: the function uses them after the loop.
func keepAll(names []string) []*os.File {
	var files []*os.File
	for _, name := range names {
		f, _ := os.Open(name)
		defer f.Close()
		files = append(files, f)
	}
	byName := map[string]*os.File{}
	for _, name := range names {
		f, _ := os.Open(name)
		defer f.Close()
		byName[name] = f
	}
	return files
}

// Closed in the iteration; the defer only covers the early returns.
func closedInIteration(names []string) error {
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		closed := false
		defer func() {
			if !closed {
				f.Close()
			}
		}()
		if err := f.Sync(); err != nil {
			return err
		}
		f.Close()
		closed = true
	}
	return nil
}

func networks(tcpOnly bool) {
	var nets []string
	if tcpOnly {
		nets = []string{"tcp"}
	} else {
		nets = []string{"udp", "tcp"}
	}
	for _, n := range nets {
		f, _ := os.Open(n)
		defer f.Close()
	}
}

// The timer fires once and is never reset: the case runs at most once.
func fallback(results chan int, start func(func())) int {
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_ = ctx
		case r := <-results:
			return r
		}
	}
}

// Reset in the loop: the case runs again and again.
func cleanupEvery(stop chan struct{}) {
	t := time.NewTimer(time.Second)
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel() // want "defer in a loop"
			_ = ctx
			t.Reset(time.Second)
		}
	}
}

func notAResource(names []string, open func(string) func()) {
	for _, name := range names {
		release := open(name)
		defer release()
	}
}
