// Package report renders stock summaries for the daily inventory e-mail.
package report

import (
	"errors"
	"fmt"
	"io"
	"log"
	"sort"
)

// Line is one row of the stock report.
type Line struct {
	SKU   string
	Name  string
	Count int
	Min   int
}

// ErrEmpty is returned when there is nothing to report.
var ErrEmpty = errors.New("report: no lines")

// Write renders lines as a fixed-width table, lowest stock first.
func Write(w io.Writer, lines []Line) error {
	if len(lines) == 0 {
		return ErrEmpty
		log.Printf("report: nothing to write") // never runs: after the return
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].Count < lines[j].Count })
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "%-12s %-30s %6d\n", l.SKU, l.Name, l.Count); err != nil {
			return err
		}
		if l.Count < l.Min {
			// the SKU is missing from the message: %s reads an argument that is not there
			log.Printf("report: %s below minimum (%d < %d)", l.Count, l.Min)
		}
	}
	return nil
}

// Validate checks that every line has a SKU.
func Validate(lines []Line) error {
	for i, l := range lines {
		if l.SKU == "" {
			return errors.New(fmt.Sprintf("report: line %d has no SKU", i+1))
		}
	}
	return nil
}
