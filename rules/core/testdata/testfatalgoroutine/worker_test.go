package testfatalgoroutine

import (
	"sync"
	"testing"
	tst "testing"
)

func runJob(id int) error { return nil }

func TestWorkers(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			if err := runJob(id); err != nil {
				t.Fatalf("job %d: %v", id, err) // want `call to \(\*T\).Fatalf from a non-test goroutine`
			}
			t.Errorf("job %d done", id) // Errorf only marks the failure: fine anywhere
		}(i)
	}
	wg.Wait()
}

func BenchmarkServe(b *testing.B) {
	done := make(chan bool)
	go func() {
		defer close(done)
		func() {
			b.FailNow() // want `call to \(\*B\).FailNow from a non-test goroutine`
		}()
	}()
	<-done
}

func TestDirect(t *testing.T) {
	go t.Skip("not here") // want `call to \(\*T\).Skip from a non-test goroutine`
}

func checkServer(t *testing.T, addr string) {
	if addr == "" {
		t.Fatal("no address")
	}
}

func TestNamedFunction(t *testing.T) {
	go checkServer(t, "localhost:0") // want `call to \(\*T\).Fatal from a non-test goroutine`
	checkServer(t, "") // in the test goroutine: fine
}

func TestLocalFunctionValue(t *testing.T) {
	check := func(tt *testing.T) { tt.SkipNow() }
	go check(t) // want `call to \(\*T\).SkipNow from a non-test goroutine`
}

func TestAliasedImport(t *tst.T) {
	go func() {
		t.Fatal("boom") // want `call to \(\*T\).Fatal from a non-test goroutine`
	}()
}

func helperTB(tb testing.TB) {
	go func() { tb.Fatalf("x") }() // want `call to \(testing.TB\).Fatalf from a non-test goroutine`
}

// A subtest started inside the goroutine has its own t: its Fatal is fine.
func TestSubtestInGoroutine(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t.Run("inner", func(t *testing.T) {
			t.Fatal("ends the subtest, as it should")
		})
	}()
	wg.Wait()
}

type fakeT struct{}

func (fakeT) Fatal(args ...interface{}) {}

// Not a testing value: a look-alike method.
func TestLookAlike(t *testing.T) {
	var ft fakeT
	go func() {
		ft.Fatal("fine")
	}()
}

// Fatal in the test goroutine itself, and in a function literal that is not a goroutine.
func TestSameGoroutine(t *testing.T) {
	defer func() {
		t.Fatal("fine")
	}()
	t.Fatal("fine")
}
