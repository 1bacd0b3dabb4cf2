package dupoperand

import "testing"

func TestIdentities(t *testing.T) {
	xor := func(x int64) int64 { return x ^ x }
	sub := func(x int64) int64 { return x - x }
	if xor(3) != 0 || sub(3) != 0 {
		t.Fatal("identity broken")
	}
	var n int
	if n == n { // want `'==' operator: n`
		t.Log("comparisons in tests are still reported")
	}
}
