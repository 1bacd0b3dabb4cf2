package nilcontext

import (
	"context"
	"net/http"
	"time"
)

func fetch(ctx context.Context, url string) error {
	_, err := http.NewRequestWithContext(nil, "GET", url, nil) // want "do not pass a nil Context"
	return err
}

func run() {
	ctx, cancel := context.WithTimeout(nil, time.Second) // want "do not pass a nil Context"
	defer cancel()
	_ = fetch(nil, "x") // want "do not pass a nil Context"
	_ = fetch(ctx, "x")
	take(nil)
}

func take(x *int) {}
