package old

import (
	"io"
	"io/ioutil"
	"os"
)

// On Go 1.15, io.ReadAll does not exist yet: ioutil.ReadAll is the way.
func read(r io.Reader, f *os.File) ([]byte, error) {
	f.Seek(0, os.SEEK_SET) // want "os.SEEK_SET has been deprecated"
	return ioutil.ReadAll(r)
}
