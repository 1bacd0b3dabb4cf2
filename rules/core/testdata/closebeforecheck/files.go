package closebeforecheck

import (
	"io"
	"net/http"
	"os"
)

func readConfig(path string) ([]byte, error) {
	f, err := os.Open(path)
	defer f.Close() // want `should check error returned from os.Open\(\) before deferring f.Close\(\)`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	defer resp.Body.Close() // want `should check error returned from http.Get\(\) before deferring resp.Body.Close\(\)`
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func reassigned(a, b string) error {
	f, err := os.Open(a)
	if err != nil {
		return err
	}
	defer f.Close()
	var g *os.File
	var openErr error
	g, openErr = os.Create(b)
	defer g.Close() // want "should check error returned from os.Create"
	return openErr
}

// Checked first: the right order.
func checked(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return nil
}

// The error is discarded on purpose: nothing to check.
func ignored(path string) {
	f, _ := os.Open(path)
	defer f.Close()
}

// The deferred Close is on something else.
func otherValue(path string, log *os.File) error {
	f, err := os.Open(path)
	defer log.Close()
	if err != nil {
		return err
	}
	return f.Close()
}

// The second result is not an error.
func notAnError(m map[string]*os.File, name string) {
	f, ok := lookup(m, name)
	defer f.Close()
	_ = ok
}

func lookup(m map[string]*os.File, name string) (*os.File, bool) {
	f, ok := m[name]
	return f, ok
}

// Something between the call and the defer: left alone (it may be the check).
func between(path string) error {
	f, err := os.Open(path)
	must(err)
	defer f.Close()
	return nil
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func commented(path string) error {
	f, err := os.Open(path)
	// close it when done
	defer f.Close() // want "should check error returned from os.Open"
	return err
}
