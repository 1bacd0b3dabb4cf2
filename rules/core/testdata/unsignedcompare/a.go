package unsignedcompare

type size uint32

type header struct {
	length uint16
	delta  int
	name   string
}

var buf []byte

func checks(n uint, b byte, s size, h header, i int, count uint64) bool {
	if n < 0 { // want "n is unsigned \\(uint\\): n < 0 is always false"
		return false
	}
	if b >= 0 { // want "always true"
		return true
	}
	if 0 > s { // want "s is unsigned \\(uint32\\)"
		return false
	}
	if h.length < 0 { // want "h.length is unsigned"
		return false
	}
	if uint32(i) < 0 { // want "uint32\\(i\\) is unsigned"
		return false
	}
	if h.delta < 0 || i < 0 {
		return false
	}
	left := count - uint64(i)
	if left < 0 { // want "left is unsigned \\(uint64\\)"
		return false
	}
	signed := i - 1
	if signed < 0 {
		return false
	}
	if count <= 0 {
		return false
	}
	if len(h.name) < 0 { // want "len does not return negative values: len\\(h.name\\) < 0 is always false"
		return false
	}
	if 0 <= cap(buf) { // want "cap does not return negative values"
		return true
	}
	if len(buf) <= 0 {
		return false
	}
	if n > 0 && s != 0 {
		return true
	}
	return false
}

func generic[T ~uint8 | ~int](v T) bool {
	return v < 0
}

func unknown(v interface{ Len() uint }) bool {
	return v.Len() < 0
}
