package store

import (
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/orderby"
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

// record gives a filter a document's fields.
func (f fields[T]) record(d *store.Doc[T]) filter.Record {
	return func(field string) any {
		if get := f[field]; get != nil {
			return get(d)
		}
		return nil
	}
}

// selector narrows sel to the documents the filter matches that meet every scope condition
// too (Match, after any Match sel had); an equality at the filter's top level or in the
// scope on a string field chooses the candidates from its index when one is declared
// (Where: the store skips undeclared ones).
func selector[T any](sel store.Selector[T], f fields[T], flt filter.Filter, scope ...filter.Typed) store.Selector[T] {
	for _, c := range append(flt.Conjuncts(), scope...) {
		if s, ok := c.Value.(string); ok && c.Op == filter.Eq {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: s})
		}
	}
	prior, within := sel.Match, filter.All(scope...)
	sel.Match = func(d *store.Doc[T]) bool {
		rec := f.record(d)
		return (prior == nil || prior(d)) && within.Match(rec) && flt.Match(rec)
	}
	return sel
}

// bounded narrows a walk in order to the filter's bounds on field (store.Bounded) when the
// order is by that field.
func bounded[T any](sel store.Selector[T], f fields[T], flt filter.Filter, field string, order store.Sort[T], probe func(t time.Time, name string) *store.Doc[T]) store.Selector[T] {
	if strings.TrimSuffix(order.OrderBy, " desc") != field {
		return sel
	}
	return store.Bounded(sel, flt, field, orderby.Desc(order.OrderBy), f.record, probe)
}
