package deferinloop

import (
	"os"
	"testing"
)

// In a test, a table-driven loop holding its resources until the test ends is harmless.
func TestTable(t *testing.T) {
	for _, name := range loadNames() {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
	}
}

// A polling loop piles up one open file per attempt.
func TestPoll(t *testing.T) {
	for {
		f, err := os.Open("ready")
		if err != nil {
			continue
		}
		defer f.Close() // want "defer in a loop"
		if f != nil {
			return
		}
	}
}

func loadNames() []string { return nil }
