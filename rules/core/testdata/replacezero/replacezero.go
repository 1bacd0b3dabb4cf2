package replacezero

import (
	"bytes"
	str "strings"
	"strings"
)

type replacer struct{}

func (replacer) Replace(s, old, new string, n int) string { return s }

func slug(name string) string {
	return strings.Replace(name, " ", "-", 0) // want `strings.Replace with n == 0 replaces nothing`
}

func aliased(name string) string {
	return str.Replace(name, "_", "-", 0) // want `strings.Replace with n == 0`
}

func raw(b []byte) []byte {
	return bytes.Replace(b, []byte("\r\n"), []byte("\n"), (0)) // want `bytes.Replace with n == 0`
}

// Must stay silent.

func fine(name string, n int) string {
	a := strings.Replace(name, " ", "-", -1)
	b := strings.Replace(name, " ", "-", 1)
	c := strings.Replace(name, " ", "-", n)
	return a + b + c
}

func shadowed(name string) string {
	strings := replacer{}
	return strings.Replace(name, " ", "-", 0)
}

func method(r replacer, name string) string {
	return r.Replace(name, " ", "-", 0)
}
