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

func early(parent context.Context, get func(context.Context) error, skip bool) error {
	ctx, cancel := context.WithCancel(parent) // want "the cancel function returned by context.WithCancel is not used on all paths"
	if skip {
		return nil
	}
	defer cancel()
	return get(ctx)
}

func kept(parent context.Context, jobs chan func()) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	jobs <- func() { cancel() }
	if ctx.Err() != nil {
		panic("done")
	}
	return ctx, nil
}

func handed(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, stop := context.WithTimeout(parent, time.Second)
	return ctx, stop
}
