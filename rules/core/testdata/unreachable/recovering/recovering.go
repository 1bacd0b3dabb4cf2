// A package that calls recover: a function whose every path ends in a panic may still
// return, so the package's own "never returns" facts are not trusted here.
package recovering

import "fmt"

func fail(msg string) {
	panic(msg)
}

// safely ends in a call that panics, but its deferred recover makes it return.
func safely(msg string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	fail(msg)
}

func caller() {
	safely("boom")
	fmt.Println("reachable: safely recovers and returns")
}

func direct() {
	panic("the builtin is still trusted")
	fmt.Println("after panic") // want "unreachable code"
}
