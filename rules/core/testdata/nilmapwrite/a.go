package nilmapwrite

import "encoding/json"

func index(names []string) int {
	var seen map[string]bool
	for _, name := range names {
		seen[name] = true // want "assignment to nil map: seen is declared without a value and never given a map"
	}
	var counts map[string]int
	counts["a"]++ // want "assignment to nil map"
	return len(seen) + counts["a"]
}

func fine(data []byte, given map[string]int, big bool) map[string]int {
	var made map[string]int
	if big {
		made = make(map[string]int, 100)
	} else {
		made = map[string]int{}
	}
	made["x"] = 1
	var decoded map[string]int
	_ = json.Unmarshal(data, &decoded)
	decoded["y"] = 2
	given["z"] = 3
	var read map[string]int
	return map[string]int{"n": read["n"]}
}
