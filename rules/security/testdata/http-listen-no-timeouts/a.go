package a

import (
	"log"
	"net/http"
	"time"
)

func serve(mux *http.ServeMux) {
	log.Fatal(http.ListenAndServe(":8080", mux)) // want "this server has no read or write timeouts"
	log.Fatal(http.ListenAndServeTLS(":8443", "cert.pem", "key.pem", mux)) // want "no read or write timeouts"
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
