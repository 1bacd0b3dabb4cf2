package sleepconst

import "time"

func wait() {
	time.Sleep(5) // want "sleeping for 5 nanoseconds is probably a bug"
	time.Sleep(1) // want "sleeping for 1 nanoseconds"
	time.Sleep(0)
	time.Sleep(1000)
	time.Sleep(5 * time.Second)
	const n = 5
	time.Sleep(n * time.Millisecond)
}
