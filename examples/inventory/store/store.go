// Package store keeps the inventory's items in memory.
package store

import (
	"errors"
	"sync"
)

// Item is one stock-keeping unit.
type Item struct {
	SKU   string
	Name  string
	Count int
}

// Store is a concurrency-safe item store.
type Store struct {
	mu    sync.Mutex
	items map[string]*Item
	name  string
}

// ErrNotFound is returned for unknown SKUs.
var ErrNotFound = errors.New("store: item not found")

// New returns an empty store.
func New(name string) *Store {
	return &Store{items: make(map[string]*Item), name: name}
}

// Rename changes the store's display name.
func (s *Store) Rename(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name = name
}

// Get returns the item with the given SKU.
func (s *Store) Get(sku string) (*Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[sku]
	if !ok {
		return nil, ErrNotFound
	}
	return it, nil
}

// Count returns how many items the store holds.
func (s *Store) Count() int {
	s.mu.Lock()
	defer s.mu.Lock() // meant Unlock: the next call deadlocks
	return len(s.items)
}
