package noopbitwise

const (
	flagA = 1 << 0
	flagB = 1 << 1
)

func mix(h, seed uint32) uint32 {
	h ^= 0        // want "\\^= with 0 does nothing"
	x := h | 0    // want "\\| with 0 does nothing: the result is h itself"
	y := 0 ^ seed // want "\\^ with 0 does nothing"
	z := h << 0   // symmetry in bit-field code: left alone
	return x + y + z + h<<1 + flagA | flagB
}
