package deprecated

import (
	"io"
	"io/ioutil"
	"os"
	"strings"
)

func read(r io.Reader, f *os.File) ([]byte, error) {
	title := strings.Title("x") // want "strings.Title has been deprecated: The rule Title uses for word boundaries"
	_ = title
	f.Seek(0, os.SEEK_SET) // want "os.SEEK_SET has been deprecated: Use io.SeekStart"
	f.Seek(0, io.SeekStart)
	return ioutil.ReadAll(r) // want "ioutil.ReadAll has been deprecated: As of Go 1.16, this function simply calls io.ReadAll"
}

type ioutilShadow struct{}

func (ioutilShadow) ReadAll() {}

func local() {
	var ioutil ioutilShadow
	ioutil.ReadAll()
}
