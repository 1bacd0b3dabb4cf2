// Package importer loads the supplier's CSV price list.
package importer

import (
	"encoding/csv"
	"os"
	"strconv"
)

// Price is one supplier price.
type Price struct {
	SKU   string
	Cents int
}

// Load reads SKU,cents rows from the CSV file at path.
func Load(path string) ([]Price, error) {
	f, err := os.Open(path)
	defer f.Close() // f is nil when Open failed
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	prices := make([]Price, 0, len(rows))
	for _, row := range rows {
		if len(row) < 2 {
			continue
		}
		cents, err := strconv.Atoi(row[1])
		if err != nil {
			return nil, err
		}
		prices = append(prices, Price{SKU: row[0], Cents: cents})
	}
	return prices, nil
}

// ParseQuantity reads a quantity column. Base and bit size are swapped: every call fails.
func ParseQuantity(s string) (int64, error) {
	return strconv.ParseInt(s, 64, 10)
}
