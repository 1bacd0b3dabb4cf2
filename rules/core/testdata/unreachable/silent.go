package unreachable

import (
	"fmt"
	"log"
	"testing"
)

// A labeled statement after a return may be a goto target.
func labeled(n int) int {
	if n > 10 {
		goto big
	}
	return n
big:
	return 10
}

// A loop with a break ends normally.
func loopWithBreak(ch chan int) int {
	total := 0
	for {
		v, ok := <-ch
		if !ok {
			break
		}
		total += v
	}
	return total
}

// A labeled break out of an endless loop.
func labeledBreak(ch chan int) {
outer:
	for {
		select {
		case v := <-ch:
			if v == 0 {
				break outer
			}
		}
	}
	fmt.Println("after the loop")
}

// A switch without default can fall out of the bottom.
func noDefault(kind int) string {
	switch kind {
	case 1:
		return "one"
	}
	return "other"
}

// A break inside the switch leaves it.
func breakInSwitch(kind int) string {
	switch kind {
	case 1:
		if kind > 0 {
			break
		}
		return "one"
	default:
		return "default"
	}
	return "broke out"
}

// An if without else may fall through.
func ifOnly(ok bool) int {
	if ok {
		return 1
	}
	return 2
}

// A local variable named panic is not the builtin.
func shadowedPanic() int {
	panic := func(string) {}
	panic("not really")
	return 1
}

// Redundant, harmless jumps after calls the compiler does not know never return.
func requiredReturn(err error) (int, error) {
	if err != nil {
		log.Fatal(err)
		return 0, err
	}
	log.Fatalf("always")
	return 0, nil
}

func TestRedundantReturn(t *testing.T) {
	if testing.Short() {
		t.Fatal("short")
		return
	}
}

// A return inside a function literal ends the literal, not the caller.
func literal() int {
	f := func() int {
		return 1
	}
	return f()
}

// Empty statements are not reported.
func emptyStatement() {
	return
	;
}

// A test switched off on purpose.
func TestDisabled(t *testing.T) {
	t.Skip("flaky, see issue 123")
	if testing.Short() {
		t.Fatal("never")
	}
}
