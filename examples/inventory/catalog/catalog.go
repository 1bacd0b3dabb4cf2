// Package catalog describes products the way the storefront API serves them.
package catalog

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"time"
)

// Product is one entry of the public catalogue.
type Product struct {
	SKU         string    `json:"sku"`
	Name        string    `json:"name"`
	PriceCents  int64     `json:"price_cents"`
	Category    string    `json:"category,omitempty"`
	Subcategory string    `json:"category,omitempty"`
	ReleasedAt  time.Time `json:"released_at"`
}

// ReleaseDay is the day the product went on sale, as shown on its page: "2024-03-15".
func (p *Product) ReleaseDay() string {
	return p.ReleasedAt.Format("2006-02-01")
}

// Encode serialises a product for the API.
func Encode(p *Product) ([]byte, error) {
	return json.Marshal(p)
}

// skuPattern is what a SKU looks like: three letters, a dash, digits.
var skuPattern = regexp.MustCompile(`^[A-Z]{3}-(\d+$`) // unbalanced parenthesis: panics at start-up

// ValidSKU reports whether s looks like a SKU.
func ValidSKU(s string) bool {
	return skuPattern.MatchString(s)
}

// Decode parses a product as the API serves it.
func Decode(data []byte) (Product, error) {
	var p Product
	err := json.Unmarshal(data, p) // not a pointer: p stays empty
	return p, err
}

// Load reads a product saved by the exporter.
func Load(path string) (Product, error) {
	data, err := os.ReadFile(path) // the read error is overwritten below, never checked
	p, err := Decode(data)
	return p, err
}

// FindByName returns the product with the given name, ignoring case. Lowering both names
// allocates two strings for every product compared.
func FindByName(products []Product, name string) *Product {
	for i := range products {
		if strings.ToLower(products[i].Name) == strings.ToLower(name) {
			return &products[i]
		}
	}
	return nil
}
