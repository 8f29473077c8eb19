package view

import "container/list"

// LRU is a cache of at most Cap entries that forgets the least recently used
// first. Add never evicts, so that entries added during one frame stay valid
// until the frame ends; Trim evicts down to Cap and calls OnEvict for each
// entry it drops (to free resources such as GPU images). Not safe for
// concurrent use.
type LRU[K comparable, V any] struct {
	Cap     int            // entries kept by Trim (≤ 0 keeps none)
	OnEvict func(k K, v V) // called for every evicted entry; may be nil
	order   *list.List     // most recent at the front; elements hold *lruEntry
	items   map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
}

// NewLRU returns an empty cache keeping capacity entries.
func NewLRU[K comparable, V any](capacity int, onEvict func(K, V)) *LRU[K, V] {
	return &LRU[K, V]{Cap: capacity, OnEvict: onEvict, order: list.New(), items: map[K]*list.Element{}}
}

// Get returns the value for k and marks it most recently used.
func (c *LRU[K, V]) Get(k K) (V, bool) {
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// Add stores v under k as the most recently used entry, replacing (and
// evicting, through OnEvict) an earlier value for k.
func (c *LRU[K, V]) Add(k K, v V) {
	if e, ok := c.items[k]; ok {
		old := e.Value.(*lruEntry[K, V])
		if c.OnEvict != nil {
			c.OnEvict(k, old.val)
		}
		old.val = v
		c.order.MoveToFront(e)
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v})
}

// Len is the number of entries held.
func (c *LRU[K, V]) Len() int { return len(c.items) }

// Trim evicts least recently used entries until at most Cap remain.
func (c *LRU[K, V]) Trim() {
	for len(c.items) > max(c.Cap, 0) {
		e := c.order.Back()
		ent := e.Value.(*lruEntry[K, V])
		c.order.Remove(e)
		delete(c.items, ent.key)
		if c.OnEvict != nil {
			c.OnEvict(ent.key, ent.val)
		}
	}
}

// Clear evicts every entry.
func (c *LRU[K, V]) Clear() {
	capacity := c.Cap
	c.Cap = 0
	c.Trim()
	c.Cap = capacity
}
