package strconvargs

import "strconv"

const bits = 128

func convert(s string, f float64, n int64) {
	_, _ = strconv.ParseInt(s, 64, 10)     // want "strconv.ParseInt: base 64 is invalid"
	_, _ = strconv.ParseUint(s, 16, 65)    // want "bit size 65 is invalid: it must be from 0 to 64"
	_, _ = strconv.ParseFloat(s, 8)        // want "bit size 8 is invalid: it must be 32 or 64"
	_ = strconv.FormatInt(n, 1)            // want "base 1 is invalid: it must be from 2 to 36, and this call panics"
	_ = strconv.FormatFloat(f, 'd', 2, 64) // want "unknown format 'd'"
	_ = strconv.AppendInt(nil, n, -2)      // want "base -2 is invalid"
	_, _ = strconv.ParseInt(s, 0, 0)
	_, _ = strconv.ParseInt(s, 36, 64)
	_, _ = strconv.ParseFloat(s, bits)
	_ = strconv.FormatFloat(f, 'g', -1, 32)
	_ = strconv.AppendFloat(nil, f, 'x', 3, 64)
}
