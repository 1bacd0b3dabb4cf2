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

func TestReflexive(t *testing.T) {
	err := load2()
	// the same value must compare equal to itself
	if err != err {
		t.Errorf("err != err")
	}
	if err != err { // want `'!=' operator: err`
		t.Fatal(err)
	}
}

func load2() error { return nil }
