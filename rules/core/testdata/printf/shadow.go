package printf

import (
	"fmt"
	myfmt "fmt"
	"log"
)

type printer struct{}

func (printer) Printf(format string, args ...interface{}) {}

// The standard package under another name is still checked.
func aliased(n int) {
	myfmt.Printf("%d %d\n", n) // want `fmt.Printf format %d reads arg #2, but call has 1 arg`
}

// A local value named fmt or log is not the package.
func shadowed(n int) {
	fmt := printer{}
	_ = myfmt.Sprint(n)
	fmt.Printf("%d %d\n", n)
	log := printer{}
	log.Printf("%s")
}

// The package's own wrappers are checked like fmt.Printf.
func debugf(format string, args ...interface{}) {
	log.Printf("debug: "+format, args...)
}

func logf(level int, format string, args ...interface{}) {
	if level > 0 {
		debugf(format, args...)
	}
}

func useWrappers(id int) {
	debugf("loading %d of %d", id) // want `printf.debugf format %d reads arg #2, but call has 1 arg`
	logf(1, "item %s", id, id)     // want `printf.logf call needs 1 arg but has 2 args`
	debugf("loading %d of %d", id, 10)
}

// Not a wrapper: it does not pass the format on.
func notWrapper(format string, args ...interface{}) {
	log.Print(format)
}

func useNotWrapper() {
	notWrapper("%d %d", 1)
}

func warnf(format string, args ...interface{}) {
	log.Printf("warning: "+format, args) // want `missing ... in args forwarded to printf-like function`
}

func info(args ...interface{}) {
	log.Println(args) // want `missing ... in args forwarded to print-like function`
}

// The slice printed on purpose, next to other arguments: fine (vet agrees).
func describe(name string, values ...interface{}) string {
	return fmt.Sprintf("%s %v", name, values)
}
