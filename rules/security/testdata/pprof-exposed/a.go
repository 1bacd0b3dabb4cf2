package a

import (
	"net/http"
	_ "net/http/pprof" // want "importing net/http/pprof registers"
)

func serve() { _ = http.ListenAndServe }
