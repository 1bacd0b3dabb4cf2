package a

import (
	crand "crypto/rand"
	"math/rand"
)

func newSessionToken() []byte {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(rand.Intn(256)) // want "math/rand.Intn in newSessionToken is predictable"
	}
	return b
}

func GenerateAPIKey() (string, error) {
	buf := make([]byte, 32)
	_, err := rand.Read(buf) // want "math/rand.Read in GenerateAPIKey"
	return string(buf), err
}

func safeToken() []byte {
	b := make([]byte, 16)
	_, _ = crand.Read(b)
	return b
}

func shuffle(xs []int) {
	rand.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
}

func testShouldNotPanicOnShortInput(n int) int {
	return rand.Intn(n) // "NotPanic" holds no OTP: not a secret
}

func newWatchedKeys(n int) []int {
	return rand.Perm(n) // benchmark keys, not key material
}
