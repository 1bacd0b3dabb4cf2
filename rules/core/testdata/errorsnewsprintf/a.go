package errorsnewsprintf

import (
	"errors"
	"fmt"
)

var ErrClosed = errors.New("store closed")

func notFound(id int) error {
	return errors.New(fmt.Sprintf("item %d not found", id)) // want `errors.New\(fmt.Sprintf\(...\)\) should be fmt.Errorf\(...\)`
}

func concatenated(name string) error {
	return errors.New(fmt.Sprintf("bad name "+"%q", name)) // want "should be fmt.Errorf"
}

// %w through Sprintf prints %!w(...): Errorf would change the message, so no fix.
func wraps(err error) error {
	return errors.New(fmt.Sprintf("open: %w", err)) // want "should be fmt.Errorf"
}

// A format that is not a literal could hold %w: reported, but no fix.
func dynamic(format string, args ...interface{}) error {
	return errors.New(fmt.Sprintf(format, args...)) // want "should be fmt.Errorf"
}

// A named constant format is as good as a literal: fixed, unless it holds %w (here as \x25w).
const openFailed = "open %q: " + "not found"

func named(name string) error {
	return errors.New(fmt.Sprintf(openFailed, name)) // want "should be fmt.Errorf"
}

const wrapFailed = "open: \x25w"

func namedWraps(err error) error {
	return errors.New(fmt.Sprintf(wrapFailed, err)) // want "should be fmt.Errorf"
}

func alreadyErrorf(id int) error {
	return fmt.Errorf("item %d not found", id)
}

func twoSteps(id int) error {
	msg := fmt.Sprintf("item %d", id)
	return errors.New(msg)
}

// A local `errors` shadows the import: not the standard errors.New.
func localErrors(id int) error {
	errors := errorFactory{}
	return errors.New(fmt.Sprintf("item %d", id))
}

// A local `fmt` shadows the import.
func localFmt(id int) error {
	fmt := printer{}
	return errors.New(fmt.Sprintf("item %d", id))
}
