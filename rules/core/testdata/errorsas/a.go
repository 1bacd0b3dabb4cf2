package errorsas

import (
	"errors"
	"io/fs"
)

type codeError struct{ code int }

func (e codeError) Error() string { return "code" }

type wrapped interface{ Unwrap() error }

func classify(err error) string {
	var any error
	if errors.As(err, &any) { // want "should not be \\*error: &any matches every error"
		return "any"
	}
	var ce codeError
	if errors.As(err, ce) { // want "must be a pointer: ce is a struct value"
		return "code"
	}
	if errors.As(err, nil) { // want "nil panics"
		return "nil"
	}
	if errors.As(err, codeError{}) { // want "not a composite literal"
		return "literal"
	}
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Path
	}
	if errors.As(err, &ce) {
		return "ok"
	}
	var w wrapped
	if errors.As(err, &w) {
		return "wrapped"
	}
	target := new(codeError)
	if errors.As(err, target) {
		return "new"
	}
	return ""
}
