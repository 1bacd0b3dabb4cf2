package unused

import "fmt"

func Exported() { usedHelper() }

func usedHelper() { fmt.Println(usedConst, usedVar) }

func neverCalled() {} // want "function never[A-Z]\\w+ is unused"

func onlyCallsItself(n int) int { // self-recursion counts as a use: stays silent (precision first)
	return onlyCallsItself(n - 1)
}

type deadType struct{ n int } // want "type dead[T]ype is unused"

type usedType struct{ n int }

var _ = usedType{}

const usedConst = 1

const deadConst = 2 // want "constant dead[C]onst is unused"

var usedVar, deadVar = 1, 2 // want "variable dead[V]ar is unused"

// Placeholders in an iota block keep the later values right.
const (
	kindNone = iota
	kindFile
)

var _ = kindFile

func usedOnWindows() {}

func usedInTest() {}

func usedInAssembly()

func addAsm(a, b int) int

func init() {}

//go:embed a.go
var embedded string

// documentedButDead is mentioned in its own doc comment only.
func documentedButDead() {} // want "function documentedButDead is unused"

func namedInString() {}

var _ = "namedInString"

// Pulled by //go:linkname from another package, which this package cannot see.
func runtime_pollReset() {}

type server struct {
	addr    string
	retries int // want "field retries is unused"
	Name    string
	state   int `json:"state"`
	_       [8]byte
	pad0    [56]byte
	fmt.Stringer
}

func (s *server) start() string { return s.addr + s.Name }

func (s *server) stop() {} // want "method stop is unused"

func (s server) String() string { return "" }

type shape interface{ area() float64 }

type square struct{ side float64 }

func (q square) area() float64 { return q.side * q.side }

var _ shape = square{}

type point struct{ x, y int }

var origin = point{0, 0}

func Use() string { return (&server{}).start() + fmt.Sprint(origin) }
