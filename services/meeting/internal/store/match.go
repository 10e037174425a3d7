package store

import (
	"cmp"
	"slices"
	"time"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
)

// fields maps the fields of a List filter to the value a document holds for each: a
// string, a []string (an equality holds when any element is equal, != when none is), a
// time.Time, a float64, or nil when the document has none (it then matches no condition
// on the field).
type fields[T any] map[string]func(*store.Doc[T]) any

// indexAll declares an equality index on c for every field of f holding strings, named
// after the field: a List equality on it reads the documents found under its value.
func indexAll[T any](c *store.Collection[T], f fields[T], names ...string) {
	for _, name := range names {
		value := f[name]
		c.IndexBy(name, func(d *store.Doc[T]) []string {
			switch v := value(d).(type) {
			case string:
				return []string{v}
			case []string:
				return v
			}
			return nil
		})
	}
}

// selector narrows sel to the documents meeting every condition: each must hold (Match,
// after any Match sel had), and an equality on a string field chooses the candidates from
// its index when one is declared (Where: the store skips undeclared ones).
func selector[T any](sel store.Selector[T], f fields[T], conds []filter.Typed) store.Selector[T] {
	for _, c := range conds {
		if s, ok := c.Value.(string); ok && c.Op == filter.Eq {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: s})
		}
	}
	prior := sel.Match
	sel.Match = func(d *store.Doc[T]) bool {
		if prior != nil && !prior(d) {
			return false
		}
		for _, c := range conds {
			if !holds(c, f[c.Field](d)) {
				return false
			}
		}
		return true
	}
	return sel
}

// holds evaluates one checked condition on a document's value. Times compare to the
// millisecond, the precision the store keeps.
func holds(c filter.Typed, v any) bool {
	switch v := v.(type) {
	case string:
		return c.Op.Holds(cmp.Compare(v, c.Value.(string)))
	case []string:
		return slices.Contains(v, c.Value.(string)) == (c.Op != filter.Ne)
	case time.Time:
		return c.Op.Holds(v.Compare(c.Value.(time.Time).Truncate(time.Millisecond)))
	case float64:
		return c.Op.Holds(cmp.Compare(v, c.Value.(float64)))
	}
	return false
}

// maxName sorts after every resource name.
const maxName = "\U0010FFFF"

// bounded narrows a walk in an order led by the time field (then by name, the same way) to
// the conditions on that field: the bound the walk meets first says where it starts (a
// probe, made by probe, in After), the bound it meets last where it ends (Stop: past it no
// document can match). latestFirst says which way the order runs. Match still checks every
// condition; a document with no value for the field must come last in the order.
func bounded[T any](sel store.Selector[T], f fields[T], conds []filter.Typed, field string, latestFirst bool, probe func(t time.Time, name string) *store.Doc[T]) store.Selector[T] {
	var ends []filter.Typed
	for _, c := range conds {
		if c.Field != field {
			continue
		}
		upper, lower := c.Op == filter.Le || c.Op == filter.Lt, c.Op == filter.Ge || c.Op == filter.Gt
		if c.Op == filter.Eq || upper == latestFirst && (upper || lower) {
			// An inclusive bound starts before every document at its time, an exclusive one
			// after them; which name sorts first depends on the direction.
			inclusive := c.Op == filter.Eq || c.Op == filter.Le || c.Op == filter.Ge
			name := ""
			if inclusive == latestFirst {
				name = maxName
			}
			sel.After = append(sel.After, probe(c.Value.(time.Time).Truncate(time.Millisecond), name))
		}
		if c.Op == filter.Eq || lower == latestFirst && (upper || lower) {
			ends = append(ends, c)
		}
	}
	if len(ends) > 0 {
		sel.Stop = func(d *store.Doc[T]) bool {
			v := f[field](d)
			return slices.ContainsFunc(ends, func(c filter.Typed) bool { return !holds(c, v) })
		}
	}
	return sel
}
