package regexploop

import "regexp"

var header = regexp.MustCompile(`^#+ `)

func count(lines []string, custom string) int {
	n := 0
	for _, line := range lines {
		if regexp.MustCompile(`^\s*//`).MatchString(line) { // want "regexp.MustCompile in a loop compiles the same pattern on every iteration"
			n++
		}
		if ok, _ := regexp.MatchString("TODO", line); ok { // want "regexp.MatchString in a loop compiles its pattern on every call"
			n++
		}
		if header.MatchString(line) {
			n++
		}
		if regexp.MustCompile(custom).MatchString(line) {
			n++
		}
		check := func(s string) bool {
			return regexp.MustCompile("x+").MatchString(s)
		}
		_ = check
	}
	for re := regexp.MustCompile("a"); len(lines) > 0; lines = lines[1:] {
		_ = re
	}
	return n
}

func once(lines []string) string {
	for _, line := range lines {
		if line == "" {
			return regexp.MustCompile(`\s+`).ReplaceAllString(line, " ")
		}
		switch line {
		case "x":
			if regexp.MustCompile("y").MatchString(line) {
				return line
			}
		default:
			if ok, _ := regexp.MatchString("z", line); ok { // want "regexp.MatchString in a loop"
				return line
			}
		}
	}
	return ""
}

func BenchmarkCompile(n int) {
	for i := 0; i < n; i++ {
		regexp.MustCompile(`\d+`)
	}
}
