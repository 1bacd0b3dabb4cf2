package badregexp

import "regexp"

const versionPattern = `v(\d+\.\d+`

var (
	version  = regexp.MustCompile(versionPattern)      // want "invalid regular expression: missing \\)"
	unclosed = regexp.MustCompile(`[a-z`)               // want "unterminated character set"
	star     = regexp.MustCompile(`*.go`)               // want "nothing to repeat"
	ahead    = regexp.MustCompile(`foo(?=bar)`)         // want "lookaround assertions"
	backref  = regexp.MustCompile(`(a)\1`)              // want "backreferences"
	fine     = regexp.MustCompile(`^\pL+\z`)            // RE2-only syntax: left alone
	lazy     = regexp.MustCompile(`^(?U)a+`)
	octal    = regexp.MustCompile(`\12`)
	anchor   = regexp.MustCompile(`^*x`)
	ok       = regexp.MustCompile(`^v(\d+)\.(\d+)$`)
)

func match(s string) bool {
	m, _ := regexp.MatchString(`a{2}{3}`, s) // want "multiple repeat"
	return m
}
