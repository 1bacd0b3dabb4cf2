package errorsnewsprintf

import (
	stderrors "errors"
	f "fmt"
)

func aliased(n int) error {
	return stderrors.New(f.Sprintf("want %d", n)) // want `errors.New\(f.Sprintf\(...\)\) should be f.Errorf\(...\)`
}
