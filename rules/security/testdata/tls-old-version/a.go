package a

import "crypto/tls"

func configs() []*tls.Config {
	old := &tls.Config{MinVersion: tls.VersionTLS10} // want "tls.VersionTLS10 is an obsolete protocol version"
	capped := &tls.Config{MaxVersion: tls.VersionTLS11} // want "tls.VersionTLS11 is an obsolete"
	later := &tls.Config{}
	later.MinVersion = tls.VersionSSL30 // want "tls.VersionSSL30 is an obsolete"
	good := &tls.Config{MinVersion: tls.VersionTLS12}
	return []*tls.Config{old, capped, later, good}
}
