package unreachable

import (
	"errors"
	"fmt"
	"log"
	"os"
)

func afterReturn(path string) error {
	if path == "" {
		return errors.New("empty path")
		fmt.Println("never printed") // want "unreachable code"
		fmt.Println("same run: reported once")
	}
	return nil
}

func afterPanic(n int) int {
	if n < 0 {
		panic("negative")
		n = 0 // want "unreachable code"
	}
	return n
}

func afterExit(code int) {
	fmt.Println("bye")
	os.Exit(code)
	fmt.Println("still here?") // want "unreachable code"
}

func afterFatal(err error) {
	if err != nil {
		log.Fatalf("load: %v", err)
		cleanup() // want "unreachable code"
	}
}

func cleanup() {}

func loops(items []string) {
	for _, it := range items {
		if it == "" {
			continue
			fmt.Println("skipped") // want "unreachable code"
		}
		if it == "stop" {
			break
			cleanup() // want "unreachable code"
		}
	}
}

func bothBranches(ok bool) int {
	if ok {
		return 1
	} else {
		return 2
	}
	return 3 // want "unreachable code"
}

func switchAll(kind int) string {
	switch kind {
	case 1:
		return "one"
	default:
		panic(fmt.Sprint("unknown kind ", kind))
	}
	return "" // want "unreachable code"
}

func selectAll(a, b chan int) int {
	select {
	case v := <-a:
		return v
	case v := <-b:
		return v
	}
	return 0 // want "unreachable code"
}

func forever(jobs chan func()) {
	for {
		job := <-jobs
		job()
	}
	cleanup() // want "unreachable code"
}

func gotoSkip() {
	goto done
	cleanup() // want "unreachable code"
done:
	fmt.Println("done")
}

// A second run after a label is a new run.
func twoRuns(x int) {
	return
	x++ // want "unreachable code"
again:
	x--
	if x > 0 {
		goto again
	}
	return
	x = 0 // want "unreachable code"
}

// The package's own function that never returns counts too.
func die(msg string) {
	fmt.Println(msg)
	os.Exit(1)
}

func mustPositive(n int) int {
	if n <= 0 {
		die("not positive")
		cleanup() // want "unreachable code"
	}
	return n
}
