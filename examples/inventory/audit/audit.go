// Package audit records who changed what in the inventory, and ships the records out.
package audit

import (
	"sync"
	"time"
)

// Entry is one recorded change.
type Entry struct {
	At     time.Time
	User   string
	Action string
}

// Log is an in-memory audit log, safe for concurrent use.
type Log struct {
	mu      sync.Mutex
	entries []Entry
}

// Record adds an entry for the given user and action.
func (l *Log) Record(user, action string) {
	l.mu.Lock()
	l.mu.Unlock()
	l.entries = append(l.entries, Entry{At: time.Now(), User: user, Action: action})
}

// Len returns the number of recorded entries.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// Flush hands every entry to write, in parallel, and returns the errors once all are done.
func (l *Log) Flush(write func(Entry) error) []error {
	l.mu.Lock()
	entries := append([]Entry(nil), l.entries...)
	l.mu.Unlock()

	var (
		wg   sync.WaitGroup
		emu  sync.Mutex
		errs []error
	)
	for _, e := range entries {
		go func(e Entry) {
			wg.Add(1)
			defer wg.Done()
			if err := write(e); err != nil {
				emu.Lock()
				errs = append(errs, err)
				emu.Unlock()
			}
		}(e)
	}
	wg.Wait()
	return errs
}
