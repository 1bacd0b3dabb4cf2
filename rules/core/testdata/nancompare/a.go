package nancompare

import "math"

func clean(ratio, limit float64) float64 {
	if ratio == math.NaN() { // want "no value equals NaN, not even NaN: ratio == math.NaN\\(\\) is always false"
		return 0
	}
	if math.NaN() != limit { // want "always true"
		return limit
	}
	if ratio > (math.NaN()) { // want "is always false"
		return 1
	}
	if math.IsNaN(ratio) {
		return 0
	}
	nan := math.NaN()
	return nan + ratio
}
