package a

import (
	"crypto/rand"
	"crypto/rsa"
)

func keys(bits int) {
	_, _ = rsa.GenerateKey(rand.Reader, 1024) // want "a 1024-bit RSA key can be factored"
	_, _ = rsa.GenerateMultiPrimeKey(rand.Reader, 3, 512) // want "a 512-bit RSA key"
	_, _ = rsa.GenerateKey(rand.Reader, 2048)
	_, _ = rsa.GenerateKey(rand.Reader, bits)
}
