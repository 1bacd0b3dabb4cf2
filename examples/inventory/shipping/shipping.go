// Package shipping prices parcels for the carriers the inventory ships with.
package shipping

import "log"

// Carrier is a shipping company and its base rate in cents.
type Carrier struct {
	Name     string
	BaseRate int
}

// Parcel is one box leaving the warehouse.
type Parcel struct {
	WeightGrams int
	Carrier     *Carrier
}

// Quote returns the price of a parcel in cents.
func Quote(p *Parcel) int {
	if p.Carrier == nil {
		log.Printf("parcel of %dg has no carrier", p.WeightGrams)
	}
	c := p.Carrier
	if c == nil {
		log.Printf("falling back to the default rate")
	}
	return c.BaseRate + p.WeightGrams/100
}
