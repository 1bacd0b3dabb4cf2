package shiftsize

type flags uint8

const big = 1 << 40

func pack(hi, lo uint32, f flags, b byte, n int) uint64 {
	x := uint64(hi<<32 | lo) // want "hi \\(32 bits\\) too small for shift of 32"
	f <<= 8                  // want "f \\(8 bits\\) too small for shift of 8"
	_ = b >> 9               // want "b \\(8 bits\\)"
	_ = n << 64              // want "n \\(64 bits\\)"
	_ = uint16(n) << 16      // want "uint16\\(n\\) \\(16 bits\\)"
	_ = uint64(hi)<<32 | uint64(lo)
	_ = b << 7
	_ = big >> 40
	_ = n << 63
	return x + uint64(f)
}
