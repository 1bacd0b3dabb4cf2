package pureresult

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkToLower(b *testing.B) {
	for i := 0; i < b.N; i++ {
		strings.ToLower("MiXeD")
	}
}

func TestAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(10, func() { strings.TrimSpace(" x ") })
	if allocs > 0 {
		fmt.Errorf("allocs: %v", allocs) // want `result of fmt.Errorf call not used`
	}
}
