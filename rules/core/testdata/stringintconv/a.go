package stringintconv

type code int64

func names(id int, r rune, b byte, c code, n int32) []string {
	return []string{
		"user-" + string(id), // want "conversion from int to string yields a string of one rune"
		string(c),            // want "conversion from int64 to string"
		string(id + 1),       // want "conversion from int to string"
		string(r),
		string(b),
		string(n),
		string(rune(id)),
	}
}
