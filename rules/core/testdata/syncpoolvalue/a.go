package syncpoolvalue

import (
	"bytes"
	"sync"
)

var bufPool sync.Pool

var bufferPool = &sync.Pool{New: func() any { return new(bytes.Buffer) }}

func use(b []byte, s string, buf *bytes.Buffer, v any) {
	bufPool.Put(b[:0]) // want "argument should be pointer-like"
	bufPool.Put(b)     // want "Put of a slice value"
	bufPool.Put(s)     // want "Put of a string value"
	bufPool.Put(make([]byte, 0))
	bufPool.Put(&b)
	bufferPool.Put(buf)
	bufferPool.Put(v)
}
