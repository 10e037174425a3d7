package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/tansiq/tansiq/platform/apperr"
)

// OrderBy declares an order in which List walks the cached documents. less must be a strict
// total order (break ties on Name) over fields of the document. Declare orders and indexes
// before the collection is loaded; each is kept sorted as changes arrive.
func (c *Collection[T]) OrderBy(name string, less func(a, b *Doc[T]) bool) {
	c.orderDecls[name] = less
}

// IndexBy declares an equality index: keys returns the values a document is found under
// (several for a field holding a list, none to leave it out).
func (c *Collection[T]) IndexBy(name string, keys func(d *Doc[T]) []string) {
	c.indexDecls[name] = keys
}

// Key selects the documents found under Value in the index named Index.
type Key struct {
	Index, Value string
}

// Selector selects a page of cached documents.
type Selector[T any] struct {
	// Order is a declared order: the page's order.
	Order string
	// Where narrows the candidates to the documents found under every one of these keys.
	// It only chooses where to look: Match must still check the conditions.
	Where []Key
	// After holds probes: documents with the order's fields set. The page starts strictly
	// after the last of them in the order: a page cursor, and a bound on the order's
	// leading field. Like Where, they only say where to start.
	After []*Doc[T]
	// From, when set, starts the page at the first document for which it holds; it must
	// hold for every later one (a page cursor in a Sort, Sort.Past).
	From func(*Doc[T]) bool
	// Match must hold for every document returned; nil matches every document.
	Match func(*Doc[T]) bool
	// Stop, when set, ends the walk at the first document for which it is true: no later
	// one in the order can match (an upper bound on the leading field).
	Stop func(*Doc[T]) bool
	// Limit is the most documents returned (0: no limit).
	Limit int
}

// List returns the documents that match q, in its order, from the cache: a page costs the
// documents walked to fill it (or, with Where, the smaller of the candidate set and that
// walk), never a read of the store. The documents are the cache's own, as Get's: the caller
// must not modify them.
func (c *Collection[T]) List(ctx context.Context, q Selector[T]) ([]*Doc[T], error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	c.state.mu.RLock()
	page, err := c.state.list(q)
	c.state.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return page, nil
}

// smallSet is how much smaller than the walk a candidate set must be to be sorted instead.
const smallSet = 8

func (s *cache[T]) list(q Selector[T]) ([]*Doc[T], error) {
	o := s.orders[q.Order]
	if o == nil {
		return nil, apperr.Internal(fmt.Errorf("store: no order %q declared", q.Order))
	}
	start := 0
	for _, p := range q.After {
		start = max(start, sort.Search(len(o.sorted), func(i int) bool { return o.less(p, o.sorted[i]) }))
	}
	if q.From != nil {
		start = max(start, sort.Search(len(o.sorted), func(i int) bool { return q.From(o.sorted[i]) }))
	}
	keep := func(d *Doc[T]) bool { return q.Match == nil || q.Match(d) }
	var out []*Doc[T]
	if set, ok := s.smallest(q.Where); ok && len(set)*smallSet < len(o.sorted)-start {
		for name := range set {
			d := s.docs[name]
			if d != nil && after(o, q.After, d) && (q.From == nil || q.From(d)) && keep(d) && (q.Stop == nil || !q.Stop(d)) {
				out = append(out, d)
			}
		}
		sort.Slice(out, func(i, j int) bool { return o.less(out[i], out[j]) })
		if q.Limit > 0 && len(out) > q.Limit {
			out = out[:q.Limit]
		}
		return out, nil
	}
	for _, d := range o.sorted[start:] {
		if q.Stop != nil && q.Stop(d) {
			break
		}
		if keep(d) {
			out = append(out, d)
			if q.Limit > 0 && len(out) == q.Limit {
				break
			}
		}
	}
	return out, nil
}

func after[T any](o *order[T], probes []*Doc[T], d *Doc[T]) bool {
	for _, p := range probes {
		if !o.less(p, d) {
			return false
		}
	}
	return true
}

// smallest returns the smallest of the sets the keys select (ok false without keys).
func (s *cache[T]) smallest(keys []Key) (map[string]struct{}, bool) {
	var best map[string]struct{}
	found := false
	for _, k := range keys {
		ix := s.indexes[k.Index]
		if ix == nil {
			continue
		}
		set := ix.names[k.Value]
		if !found || len(set) < len(best) {
			best, found = set, true
		}
	}
	return best, found
}
