package nilcheck

import "testing"

func TestFatal(t *testing.T) {
	n := lookup()
	if n == nil {
		t.Fatal("no node")
	}
	println(n.Name)
	t.Run("sub", func(t *testing.T) {
		m := lookup()
		if m == nil {
			t.Fatalf("no node")
		}
		println(m.Name)
	})
}

func BenchmarkSkip(b *testing.B) {
	n := lookup()
	if n == nil {
		b.Skip("no node")
	}
	println(n.Name)
}

func lookup() *Node { return &Node{} }
