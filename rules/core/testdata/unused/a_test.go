package unused

import "testing"

func TestX(t *testing.T) { usedInTest() }
