package a

import (
	"crypto/aes"
	"crypto/des"
	"crypto/rc4"
)

func ciphers(key []byte) {
	_, _ = des.NewCipher(key) // want "a broken cipher"
	_, _ = des.NewTripleDESCipher(key) // want "a broken cipher"
	_, _ = rc4.NewCipher(key) // want "a broken cipher"
	_, _ = aes.NewCipher(key)
}
