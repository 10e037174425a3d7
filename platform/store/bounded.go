package store

import (
	"time"

	"github.com/tansiq/tansiq/platform/filter"
)

// MaxName sorts after every resource name: a probe at a time with it comes after every
// document of that time in a (time, name) order.
const MaxName = "\U0010FFFF"

// Bounded narrows sel, a walk in an order by the time field (then by name, the same way;
// latestFirst when descending), to flt's top-level conditions on that field: the bound
// the walk meets first says where it starts (a probe made by probe, in After), the bound
// it meets last where it ends (Stop: past it no document can match). Match still checks
// every condition; a document with no value for the field must come last in the order.
func Bounded[T any](sel Selector[T], flt filter.Filter, field string, latestFirst bool,
	record func(*Doc[T]) filter.Record, probe func(t time.Time, name string) *Doc[T]) Selector[T] {
	var ends []filter.Typed
	for _, c := range flt.Conjuncts() {
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
				name = MaxName
			}
			sel.After = append(sel.After, probe(c.Value.(time.Time), name))
		}
		if c.Op == filter.Eq || lower == latestFirst && (upper || lower) {
			ends = append(ends, c)
		}
	}
	if len(ends) > 0 {
		past := filter.All(ends...)
		sel.Stop = func(d *Doc[T]) bool { return !past.Match(record(d)) }
	}
	return sel
}
