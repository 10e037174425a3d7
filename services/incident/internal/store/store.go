// Package store keeps incidents in the service's own database through platform/store's
// log and cache: lists are answered from memory, newest first, with indexes on the
// fields the filter compares for equality.
package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// Incidents is the incident collection.
type Incidents struct {
	*store.Collection[domain.Incident]
}

// Doc is a stored incident.
type Doc = store.Doc[domain.Incident]

// newestFirst is the order of ListIncidents: occur_time descending, then name descending.
const newestFirst = "newest_first"

func newer(a, b *Doc) bool {
	if !a.Body.OccurTime.Equal(b.Body.OccurTime) {
		return a.Body.OccurTime.After(b.Body.OccurTime)
	}
	return a.Name > b.Name
}

// indexed are the equality filters served by an index, with the values each incident is
// found under.
var indexed = map[string]func(*Doc) []string{
	"governorate":     func(d *Doc) []string { return d.Body.Governorates },
	"district":        func(d *Doc) []string { return []string{d.Body.District} },
	"kind":            func(d *Doc) []string { return []string{d.Body.Kind} },
	"state":           func(d *Doc) []string { return []string{d.Body.State} },
	"reporting_force": func(d *Doc) []string { return []string{d.Body.ReportingForce} },
}

// New returns the collection, with its order and indexes declared; Load it before serving.
func New(ctx context.Context, db *mongo.Database) (*Incidents, error) {
	c := store.NewCollection[domain.Incident](db, "incidents")
	c.OrderBy(newestFirst, newer)
	for name, keys := range indexed {
		c.IndexBy(name, keys)
	}
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Incidents{c}, nil
}

// Position is where a page ends: the newest-first sort key of its last incident.
type Position struct {
	OccurTime time.Time `json:"t"`
	Name      string    `json:"n"`
}

// maxName sorts after every resource name (in the newest-first order it comes first among
// incidents of one time).
const maxName = "\U0010FFFF"

// List returns up to limit incidents matching the filter, newest first, after pos.
func (s *Incidents) List(ctx context.Context, conds []filter.Typed, after *Position, limit int) ([]*Doc, error) {
	sel := store.Selector[domain.Incident]{Order: newestFirst, Limit: limit, Match: func(d *Doc) bool {
		for _, c := range conds {
			if !matches(d, c) {
				return false
			}
		}
		return true
	}}
	if after != nil {
		sel.After = append(sel.After, probe(after.OccurTime, after.Name))
	}
	var stops []func(*Doc) bool
	for _, c := range conds {
		if _, ok := indexed[c.Field]; ok && c.Op == filter.Eq {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: c.Value.(string)})
		}
		if c.Field != "occur_time" {
			continue
		}
		t := c.Value.(time.Time)
		switch c.Op { // newest first: an upper bound says where to start, a lower one where to stop
		case filter.Le, filter.Eq:
			sel.After = append(sel.After, probe(t, maxName))
		case filter.Lt:
			sel.After = append(sel.After, probe(t, ""))
		}
		switch c.Op {
		case filter.Ge, filter.Eq:
			stops = append(stops, func(d *Doc) bool { return d.Body.OccurTime.Before(t) })
		case filter.Gt:
			stops = append(stops, func(d *Doc) bool { return !d.Body.OccurTime.After(t) })
		}
	}
	if len(stops) > 0 {
		sel.Stop = func(d *Doc) bool { return slices.ContainsFunc(stops, func(f func(*Doc) bool) bool { return f(d) }) }
	}
	return s.Collection.List(ctx, sel)
}

// probe is a document with only the order's fields set.
func probe(t time.Time, name string) *Doc {
	return &Doc{Name: name, Body: domain.Incident{OccurTime: t}}
}

// matches evaluates one checked condition of the ListIncidents filter; an equality on the
// governorates matches any of them, as the API documents.
func matches(d *Doc, c filter.Typed) bool {
	in := &d.Body
	switch c.Field {
	case "occur_time":
		return c.Op.Holds(in.OccurTime.Compare(c.Value.(time.Time)))
	case "place.latitude":
		return c.Op.Holds(cmp.Compare(in.Place.Point.Lat, c.Value.(float64)))
	case "place.longitude":
		return c.Op.Holds(cmp.Compare(in.Place.Point.Lng, c.Value.(float64)))
	case "governorate":
		has := slices.Contains(in.Governorates, c.Value.(string))
		return has == (c.Op != filter.Ne)
	}
	var v string
	switch c.Field {
	case "kind":
		v = in.Kind
	case "state":
		v = in.State
	case "district":
		v = in.District
	case "reporting_force":
		v = in.ReportingForce
	default:
		return false // the schema admits no other field
	}
	return c.Op.Holds(cmp.Compare(v, c.Value.(string)))
}
