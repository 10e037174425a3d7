package store

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
)

// byName is the order every list serves (the default of those that serve more).
const byName = "name"

// sorts are the orders a list serves: by name, then more.
func sorts[T any](more ...store.Sort[T]) store.Sorts[T] {
	return append(store.Sorts[T]{store.NameOrder[T]()}, more...)
}

// newCollection returns the collection named name with the orders its lists walk (by name
// alone when none is given).
func newCollection[T any](db *mongo.Database, name string, orders ...store.Sort[T]) *store.Collection[T] {
	c := store.NewCollection[T](db, name)
	if len(orders) == 0 {
		orders = sorts[T]()
	}
	store.Sorts[T](orders).Declare(c)
	return c
}

// byUpdateTime are the orders by update_time, latest changed first or last.
func byUpdateTime[T any]() []store.Sort[T] {
	return []store.Sort[T]{
		{OrderBy: "update_time desc", Key: store.ByTime(store.UpdateTime[T])},
		{OrderBy: "update_time", Key: store.ByTime(store.UpdateTime[T])},
	}
}

// under selects, in the order s, the documents named under prefix ("" for any), after the
// cursor after (nil: from the start), for which match holds (nil: all), at most limit (0:
// all). A force's records are named under the force, a unit's areas under the unit: in
// name order the page is a walk from the range's start, which ends where the range does;
// in another order the walk passes over the other forces' records.
func under[T any](prefix string, s store.Sort[T], after *store.Cursor, limit int, match func(*store.Doc[T]) bool) store.Selector[T] {
	sel := s.Selector(after, limit)
	sel.Match = match
	switch {
	case prefix == "":
	case s.OrderBy == byName:
		sel.After = append(sel.After, &store.Doc[T]{Name: prefix})
		sel.Stop = func(d *store.Doc[T]) bool { return !strings.HasPrefix(d.Name, prefix) }
	default:
		sel.Match = func(d *store.Doc[T]) bool { return strings.HasPrefix(d.Name, prefix) && (match == nil || match(d)) }
	}
	return sel
}

// where narrows sel to the records the filter matches (record gives it a record's
// fields); the filter's top-level equalities on an indexed field (an index of that
// field's name) choose the candidates.
func where[T any](sel store.Selector[T], f filter.Filter, record func(*T) filter.Record, indexed map[string]func(*T) string) store.Selector[T] {
	if f.Root == nil {
		return sel
	}
	for _, c := range f.Conjuncts() {
		if _, ok := indexed[c.Field]; ok && c.Op == filter.Eq {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: c.Value.(string)})
		}
	}
	prior := sel.Match
	sel.Match = func(d *store.Doc[T]) bool {
		return (prior == nil || prior(d)) && f.Match(record(&d.Body))
	}
	return sel
}

// indexBy declares an equality index per field of indexed, each under the field's name.
func indexBy[T any](c *store.Collection[T], indexed map[string]func(*T) string) {
	for name, key := range indexed {
		c.IndexBy(name, func(d *store.Doc[T]) []string { return []string{key(&d.Body)} })
	}
}

// firstUnder returns the name of one document whose indexed field is value, or "" if
// there is none: enough to tell that a record is still referenced, and to say by what.
// It first reads the log forward, so a reference another replica has just written is seen.
func firstUnder[T any](ctx context.Context, c *store.Collection[T], indexed map[string]func(*T) string, index, value string) (string, error) {
	if _, err := c.CurrentSeq(ctx); err != nil {
		return "", err
	}
	key := indexed[index]
	docs, err := c.List(ctx, store.Selector[T]{Order: byName, Limit: 1,
		Where: []store.Key{{Index: index, Value: value}},
		Match: func(d *store.Doc[T]) bool { return key(&d.Body) == value }})
	if err != nil || len(docs) == 0 {
		return "", err
	}
	return docs[0].Name, nil
}

// exists reports whether the named document exists (a read of the log on a miss, so a
// record another replica has just created is found).
func exists[T any](ctx context.Context, c *store.Collection[T], name string) (bool, error) {
	_, err := c.Get(ctx, name)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return false, nil
	}
	return err == nil, err
}

// batchGet returns the named documents that exist, by name.
func batchGet[T any](ctx context.Context, c *store.Collection[T], names []string) (map[string]*store.Doc[T], error) {
	out := map[string]*store.Doc[T]{}
	for _, n := range names {
		d, err := c.Get(ctx, n)
		switch {
		case err == nil:
			out[n] = d
		case !apperr.IsKind(err, apperr.KindNotFound):
			return nil, err
		}
	}
	return out, nil
}

// recordsOf is the prefix of the names of force's records of one kind (name makes a
// record's name from its force and id), or "" for every force's when force is "".
func recordsOf(force string, name func(force, id string) string) string {
	if force == "" {
		return ""
	}
	return name(force, "")
}
