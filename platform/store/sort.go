package store

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/orderby"
)

// SortKey is a document's key in a Sort: one of a time, a text or a number (the others
// zero). It travels in page tokens, so a page ends at a place, not at a document that may
// since have changed or gone.
type SortKey struct {
	Time time.Time `json:"t,omitzero"`
	Text string    `json:"s,omitempty"`
	Num  float64   `json:"f,omitempty"`
}

func (k SortKey) compare(o SortKey) int {
	if c := k.Time.Compare(o.Time); c != 0 {
		return c
	}
	if c := strings.Compare(k.Text, o.Text); c != 0 {
		return c
	}
	return cmp.Compare(k.Num, o.Num)
}

// Sort is one order a List method serves: by Key (nil: by name alone), descending when
// OrderBy ends in " desc", ties broken on the name in the same direction, so the order is
// total and paging under it is stable.
type Sort[T any] struct {
	// OrderBy is the order_by that asks for it, in the canonical form platform/orderby.Check
	// returns; it is also the name of the order declared on the collection.
	OrderBy string
	Key     func(*Doc[T]) SortKey
}

// Sorts are the orders a List method serves, its default first.
type Sorts[T any] []Sort[T]

// Declare declares every sort as an order of c (see OrderBy), kept sorted in the cache.
func (ss Sorts[T]) Declare(c *Collection[T]) {
	for _, s := range ss {
		c.OrderBy(s.OrderBy, s.less)
	}
}

// Names lists the sorts' order_by values, the default first: what orderby.Check allows.
func (ss Sorts[T]) Names() []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.OrderBy
	}
	return out
}

// Get returns the sort asked for by orderBy (canonical; one of Names), or the default.
func (ss Sorts[T]) Get(orderBy string) Sort[T] {
	if i := slices.IndexFunc(ss, func(s Sort[T]) bool { return s.OrderBy == orderBy }); i >= 0 {
		return ss[i]
	}
	return ss[0]
}

// Cursor is where a page ends in a Sort: the key and the name of its last document.
type Cursor struct {
	Key  SortKey `json:"k"`
	Name string  `json:"n"`
}

// CursorOf is d's place in s.
func (s Sort[T]) CursorOf(d *Doc[T]) Cursor {
	c := Cursor{Name: d.Name}
	if s.Key != nil {
		c.Key = s.Key(d)
	}
	return c
}

// Past returns the test for Selector.From that starts a page after c (nil for no cursor).
func (s Sort[T]) Past(c *Cursor) func(*Doc[T]) bool {
	if c == nil {
		return nil
	}
	return func(d *Doc[T]) bool { return s.compare(*c, s.CursorOf(d)) < 0 }
}

// Selector returns a Selector walking s after c (nil: from the start).
func (s Sort[T]) Selector(after *Cursor, limit int) Selector[T] {
	return Selector[T]{Order: s.OrderBy, From: s.Past(after), Limit: limit}
}

// Compare orders two documents in s (negative when a comes first), for a list that sorts
// a small set itself rather than walk a declared order.
func (s Sort[T]) Compare(a, b *Doc[T]) int { return s.compare(s.CursorOf(a), s.CursorOf(b)) }

func (s Sort[T]) less(a, b *Doc[T]) bool { return s.Compare(a, b) < 0 }

// compare orders two places in s's direction.
func (s Sort[T]) compare(a, b Cursor) int {
	c := a.Key.compare(b.Key)
	if c == 0 {
		c = strings.Compare(a.Name, b.Name)
	}
	if orderby.Desc(s.OrderBy) {
		return -c
	}
	return c
}

// ByTime is a Sort key on a time.
func ByTime[T any](t func(*Doc[T]) time.Time) func(*Doc[T]) SortKey {
	return func(d *Doc[T]) SortKey { return SortKey{Time: t(d)} }
}

// ByText is a Sort key on a text.
func ByText[T any](s func(*Doc[T]) string) func(*Doc[T]) SortKey {
	return func(d *Doc[T]) SortKey { return SortKey{Text: s(d)} }
}

// ByNumber is a Sort key on a number.
func ByNumber[T any](n func(*Doc[T]) float64) func(*Doc[T]) SortKey {
	return func(d *Doc[T]) SortKey { return SortKey{Num: n(d)} }
}

// CreateTime is the record's create_time, a Sort key every record has.
func CreateTime[T any](d *Doc[T]) time.Time { return d.CreateTime }

// UpdateTime is the record's update_time, a Sort key every record has.
func UpdateTime[T any](d *Doc[T]) time.Time { return d.UpdateTime }

// NameOrder is the sort by resource name alone, ascending: order_by "name".
func NameOrder[T any]() Sort[T] { return Sort[T]{OrderBy: "name"} }
