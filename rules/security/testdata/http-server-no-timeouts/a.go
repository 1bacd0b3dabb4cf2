package a

import (
	"net/http"
	"time"
)

func servers(mux *http.ServeMux) []*http.Server {
	bare := &http.Server{Addr: ":8080", Handler: mux} // want "http.Server without ReadHeaderTimeout"
	good := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	read := &http.Server{Addr: ":8080", ReadTimeout: time.Minute}
	later := &http.Server{Addr: ":8081"}
	later.ReadHeaderTimeout = 5 * time.Second
	zero := &http.Server{}
	return []*http.Server{bare, good, read, later, zero}
}
