package errorsnewsprintf

import "fmt"

type errorFactory struct{}

func (errorFactory) New(s string) error { return nil }

// Here `errors` is a local value, not the standard package.
func shadowed(id int) error {
	errors := errorFactory{}
	return errors.New(fmt.Sprintf("item %d", id))
}

type printer struct{}

func (printer) Sprintf(format string, args ...interface{}) string { return "" }

func notFmt(id int) error {
	fmt := printer{}
	return errorFactory{}.New(fmt.Sprintf("item %d", id))
}
