package a

import (
	"crypto/tls"
	"net/http"
)

func clients(insecure bool) []*http.Client {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true} // want "InsecureSkipVerify is true"
	other := &tls.Config{}
	other.InsecureSkipVerify = true // want "InsecureSkipVerify is true"
	flagged := &tls.Config{InsecureSkipVerify: insecure}
	safe := &tls.Config{InsecureSkipVerify: false}
	return []*http.Client{
		{Transport: &http.Transport{TLSClientConfig: cfg}},
		{Transport: &http.Transport{TLSClientConfig: other}},
		{Transport: &http.Transport{TLSClientConfig: flagged}},
		{Transport: &http.Transport{TLSClientConfig: safe}},
	}
}
