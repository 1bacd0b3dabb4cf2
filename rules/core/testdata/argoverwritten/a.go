package argoverwritten

import (
	"context"
	"io/fs"
	"os"
)

func fetch(ctx context.Context, url string) error { // want "argument ctx is overwritten before first use"
	ctx = context.Background()
	return get(ctx, url)
}

func get(ctx context.Context, url string) error { return ctx.Err() }

var walk = func(path string, d fs.DirEntry, err error) error { // want "argument err is overwritten before first use"
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	_, _ = info, d
	return nil
}

func fine(n int, s string, ctx context.Context) int {
	if n < 0 {
		n = 0
	}
	s = s + "!"
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_ = ctx
	return n + len(s)
}

func later(n int) int { // want "argument n is overwritten"
	x := 1
	n = x
	return n
}
