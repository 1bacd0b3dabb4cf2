package equalfold

import "strings"

type user struct{ name, email string }

func same(a, b user) bool {
	if strings.ToLower(a.email) == strings.ToLower(b.email) { // want "should use strings.EqualFold instead: ToLower on both sides"
		return true
	}
	if strings.ToUpper(a.name) != strings.ToUpper(b.name) { // want "ToUpper on both sides"
		return false
	}
	if strings.ToLower(a.name) < strings.ToLower(b.name) {
		return false
	}
	return strings.ToLower(a.name) == strings.ToUpper(b.name) || strings.ToLower(a.name) == "root"
}
