package emptybranch

import "os"

func check(err error, n int) int {
	if err != nil {} // want "empty branch: the if statement does nothing"
	if n > 0 {
		n--
	} else {} // want "empty branch: the else block does nothing"
	if n > 1 {
		// nothing to do: the caller retries
	}
	if _, err := os.Stat("x"); err != nil {
	}
	if os.Getenv("X") != "" {
	}
	if n > 2 {
	} else {
		n++
	}
	return n
}
