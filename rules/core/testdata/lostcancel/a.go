package lostcancel

import (
	"context"
	"time"
)

var base, _ = context.WithCancel(context.Background()) // want "the cancel function returned by context.WithCancel is discarded"

func fetch(parent context.Context, get func(context.Context) error) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "context.WithTimeout is discarded"
	if err := get(ctx); err != nil {
		return err
	}
	var late context.Context
	late, _ = context.WithDeadline(parent, time.Now().Add(time.Minute)) // want "WithDeadline is discarded"
	_ = late
	ok, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return get(ok)
}
