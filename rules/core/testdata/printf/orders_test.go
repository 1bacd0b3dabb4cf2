package printf

import "testing"

func TestOrders(t *testing.T) {
	o := Order{ID: 1}
	t.Errorf("order %d: got %v, want %v", o.ID, o) // want `\(\*testing.common\).Errorf format %v reads arg #3, but call has 2 args`
	t.Logf("order %d", o.ID)
	t.Log("order %d", o.ID) // want `\(\*testing.common\).Log call has possible formatting directive %d`
}

func helper(tb testing.TB, id int) {
	tb.Fatalf("order %d %s", id) // want `\(testing.TB\).Fatalf format %s reads arg #2, but call has 1 arg`
}
