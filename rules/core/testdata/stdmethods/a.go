package stdmethods

import (
	"encoding/xml"
	"fmt"
	"io"

	xxml "example.com/fork/xml"
)

type Duration int64

func (d Duration) MarshalJSON() (string, error) { return "", nil } // want "method MarshalJSON\\(\\) \\(string, error\\) should have signature MarshalJSON\\(\\) \\(\\[\\]byte, error\\)"

func (d *Duration) UnmarshalJSON(b []byte) error { return nil }

func (d Duration) ReadByte() byte { return 0 } // want "should have signature ReadByte\\(\\) \\(byte, error\\)"

func (d Duration) WriteTo(w io.Writer) (int, error) { return 0, nil } // want "WriteTo\\(io.Writer\\) \\(int64, error\\)"

func (d Duration) Seek(offset int64, whence int) int64 { return 0 } // want "Seek\\(int64, int\\) \\(int64, error\\)"

type iterator struct{}

func (it *iterator) Seek(t int64) bool { return true } // jumps to a timestamp: not an io.Seeker

func (d Duration) Format(s fmt.State, verb rune) {}

func (d Duration) Scan(state string, verb rune) error { return nil } // not fmt.ScanState: not meant as fmt.Scanner

func (d Duration) MarshalXML(e *xml.Encoder, start xml.StartElement) error { return nil }

func (d Duration) WriteByte(c uint8) error { return nil }

type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprint(e.code) }

func (e *codeError) Is(target *codeError) bool { return e.code == target.code } // want "method Is\\(\\*stdmethods.codeError\\) bool should have signature Is\\(error\\) bool"

func (e *codeError) Unwrap() []error { return nil }

type version struct{}

func (version) Is(other version) bool { return true } // not an error type: left alone

type gobber interface {
	GobEncode() []byte // want "should have signature GobEncode\\(\\) \\(\\[\\]byte, error\\)"
	GobDecode([]byte) error
}

type forked struct{}

func (forked) MarshalXML(e *xxml.Encoder, start xxml.StartElement) error { return nil } // a fork's own Encoder
