package a

import (
	"crypto/md5"
	"crypto/sha1"
)

type user struct{ Password string }

func hashes(password string, u user, apiKey []byte, body []byte) {
	_ = md5.Sum([]byte(password)) // want "password is hashed with a broken hash function"
	_ = sha1.Sum([]byte(u.Password)) // want "u.Password is hashed"
	_ = sha1.Sum(apiKey) // want "apiKey is hashed"
	_ = md5.Sum(body) // a checksum of content: not a secret
}
