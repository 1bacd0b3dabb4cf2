package pureresult

import (
	"bytes"
	"context"
	"errors"
	"math"
	"fmt"
	"path/filepath"
	"strconv"
	str "strings"
	"strings"
)

type Status int

func (s Status) String() string { return strconv.Itoa(int(s)) }

type Logger struct{ lines []string }

// String here records a line: a method that has an effect, whatever it is called.
func (l *Logger) String(s string) { l.lines = append(l.lines, s) }

func normalize(name string) string {
	strings.TrimSpace(name) // want `result of strings.TrimSpace call not used`
	str.ToLower(name)       // want `result of strings.ToLower call not used`
	return name
}

func validate(qty int) error {
	if qty < 0 {
		fmt.Errorf("negative quantity %d", qty) // want `result of fmt.Errorf call not used`
	}
	errors.New("unreachable") // want `result of errors.New call not used`
	return nil
}

func render(parts []string, b []byte, n int64, st Status) {
	fmt.Sprintf("%d parts", len(parts))  // want `result of fmt.Sprintf call not used`
	bytes.TrimSpace(b)                   // want `result of bytes.TrimSpace call not used`
	strconv.FormatInt(n, 10)             // want `result of strconv.FormatInt call not used`
	filepath.Join("a", "b")              // want `result of filepath.Join call not used`
	st.String()                          // want `result of \(Status\).String call not used`
	err := errors.New("x")
	err.Error() // want `result of \(error\).Error call not used`
	var buf bytes.Buffer
	buf.String() // want `result of \(bytes.Buffer\).String call not used`
}

func leak(ctx context.Context) {
	context.WithCancel(ctx) // want `result of context.WithCancel call not used`
}

// Must stay silent.

type fakeStrings struct{}

func (fakeStrings) TrimSpace(s string) string { return s }

func shadowed(name string, l *Logger) {
	strings := fakeStrings{}
	strings.TrimSpace(name)
	l.String(name)
	fmt.Println(name)
	var sb str.Builder
	sb.WriteString(name)
	_ = fmt.Sprintf("%s", name)
}

func unknownReceivers(v fmt.Stringer, e interface{ Error() string }) {
	v.String()
	e.Error()
}

func clamp(v, lo float64) float64 {
	math.Max(v, lo) // want `result of math.Max call not used`
	return v
}
