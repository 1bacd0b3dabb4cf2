package pureresult

// The compiler rejects a bare append; the rule reports it while the code is being edited.
func addItem(items []string, item string) []string {
	append(items, item) // want `result of append call not used`
	return items
}

func localAppend(items []string) {
	append := func(xs []string, x string) { _ = xs }
	append(items, "x")
}
