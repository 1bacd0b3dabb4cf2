package sigchanbuffer

import (
	"os"
	"os/signal"
	"syscall"
)

func wait() os.Signal {
	stop := make(chan os.Signal)
	signal.Notify(stop, os.Interrupt) // want "signal.Notify on an unbuffered channel: a signal that arrives while nobody receives is lost"
	return <-stop
}

func inline() {
	signal.Notify(make(chan os.Signal), syscall.SIGHUP) // nobody can receive from it: left alone
}

func fine(given chan os.Signal) {
	ok := make(chan os.Signal, 1)
	signal.Notify(ok, os.Interrupt)
	signal.Notify(given, os.Interrupt)
	var later chan os.Signal = make(chan os.Signal)
	later = make(chan os.Signal, 4)
	signal.Notify(later, os.Interrupt)
}
