package loopclosure

import (
	"fmt"
	"testing"
)

func TestShip(t *testing.T) {
	cases := []Order{{1}, {2}}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.ID), func(t *testing.T) {
			t.Parallel()
			if err := ship(tc); err != nil { // want "loop variable tc captured by func literal"
				t.Fatal(err)
			}
		})
	}
}

// Serial subtests finish before the loop goes on.
func TestShipSerial(t *testing.T) {
	for _, tc := range []Order{{1}} {
		t.Run("serial", func(t *testing.T) {
			_ = ship(tc)
		})
	}
}

// Copied before t.Parallel(): fine.
func TestShipCopied(t *testing.T) {
	for _, tc := range []Order{{1}} {
		t.Run("copied", func(t *testing.T) {
			tc := tc
			t.Parallel()
			_ = ship(tc)
		})
	}
}
