package contextkey

import "context"

type userKey struct{}

type name string

const plainKey = "request-id"

func store(ctx context.Context, id int, s string) context.Context {
	ctx = context.WithValue(ctx, "user", id)    // want "should not use built-in type string as key"
	ctx = context.WithValue(ctx, 7, id)         // want "should not use built-in type int as key"
	ctx = context.WithValue(ctx, plainKey, id)  // want "built-in type string"
	ctx = context.WithValue(ctx, s, id)         // want "built-in type string"
	ctx = context.WithValue(ctx, string(s), id) // want "built-in type string"
	ctx = context.WithValue(ctx, userKey{}, id)
	ctx = context.WithValue(ctx, name("x"), id)
	var k any = "x"
	ctx = context.WithValue(ctx, k, id)
	return ctx
}
