package a

import "strconv"

func parse(s string) (int32, uint16, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, 0, err
	}
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, 0, err
	}
	return int32(n), uint16(p), nil // want "n comes from strconv.Atoi"
}

func wide(s string) int64 {
	n, _ := strconv.Atoi(s)
	return int64(n)
}
