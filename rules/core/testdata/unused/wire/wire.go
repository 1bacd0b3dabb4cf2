package wire

import (
	"encoding/binary"
	"io"
)

// encoding/binary writes every field, unexported ones too: reserved is on the wire.
type record struct {
	version  uint8
	reserved uint8
}

func Write(w io.Writer) error { return binary.Write(w, binary.BigEndian, record{version: 1}) }
