// Package store keeps incidents in the service's own database through platform/store's
// log and cache: lists are answered from memory, in one of the orders ListIncidents
// serves, with indexes on the fields the filter compares for equality.
package store

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// Incidents is the incident collection.
type Incidents struct {
	*store.Collection[domain.Incident]
}

// Doc is a stored incident.
type Doc = store.Doc[domain.Incident]

// Orders are the orders ListIncidents serves, by their canonical order_by: each is kept
// sorted in the cache. Ties are broken on name, in the direction of the order.
var Orders = map[string]func(a, b *Doc) bool{
	"occur_time desc":  byTime(occurTime, true),
	"occur_time":       byTime(occurTime, false),
	"update_time desc": byTime(updateTime, true),
	"update_time":      byTime(updateTime, false),
}

// OrderNames lists the keys of Orders, the default (newest first) first.
var OrderNames = []string{"occur_time desc", "occur_time", "update_time desc", "update_time"}

func occurTime(d *Doc) time.Time  { return d.Body.OccurTime }
func updateTime(d *Doc) time.Time { return d.UpdateTime }

func byTime(key func(*Doc) time.Time, desc bool) func(a, b *Doc) bool {
	return func(a, b *Doc) bool {
		ta, tb := key(a), key(b)
		if desc {
			ta, tb, a, b = tb, ta, b, a
		}
		if !ta.Equal(tb) {
			return ta.Before(tb)
		}
		return a.Name < b.Name
	}
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
	for name, less := range Orders {
		c.OrderBy(name, less)
	}
	for name, keys := range indexed {
		c.IndexBy(name, keys)
	}
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Incidents{c}, nil
}

// Position is where a page ends: the sort key of its last incident in the page's order
// (its occur_time or update_time, and its name).
type Position struct {
	Time time.Time `json:"t"`
	Name string    `json:"n"`
}

// PositionOf is the position of d in order.
func PositionOf(d *Doc, order string) Position {
	if strings.HasPrefix(order, "update_time") {
		return Position{Time: d.UpdateTime, Name: d.Name}
	}
	return Position{Time: d.Body.OccurTime, Name: d.Name}
}

// List returns up to limit incidents matching the filter, in order (one of Orders), after
// pos. The filter's top-level equalities on indexed fields choose the candidates, and in
// an occur_time order its bounds on occur_time say where the walk starts and stops.
func (s *Incidents) List(ctx context.Context, f filter.Filter, order string, after *Position, limit int) ([]*Doc, error) {
	sel := store.Selector[domain.Incident]{Order: order, Limit: limit, Match: func(d *Doc) bool { return f.Match(record(d)) }}
	if after != nil {
		sel.After = append(sel.After, probe(order, after.Time, after.Name))
	}
	for _, c := range f.Conjuncts() {
		if _, ok := indexed[c.Field]; ok && (c.Op == filter.Eq || c.Op == filter.Has && c.Value != filter.Present) {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: c.Value.(string)})
		}
	}
	if strings.HasPrefix(order, "occur_time") {
		sel = store.Bounded(sel, f, "occur_time", strings.HasSuffix(order, " desc"), record,
			func(t time.Time, name string) *Doc { return probe(order, t, name) })
	}
	return s.Collection.List(ctx, sel)
}

// probe is a document with only the order's fields set.
func probe(order string, t time.Time, name string) *Doc {
	if strings.HasPrefix(order, "update_time") {
		return &Doc{Name: name, UpdateTime: t}
	}
	return &Doc{Name: name, Body: domain.Incident{OccurTime: t}}
}

// ListSchema is the filter ListIncidents accepts, as its request documents; record gives
// it an incident's fields.
var ListSchema = filter.Schema{
	"occur_time":      {Type: filter.Time, Ops: filter.Ordered},
	"kind":            {Type: filter.Enum, Values: filter.EnumNames(incidentv1.IncidentKind_name), Ops: []filter.Op{filter.Eq, filter.Ne}},
	"state":           {Type: filter.Enum, Values: filter.EnumNames(incidentv1.IncidentState_name), Ops: []filter.Op{filter.Eq, filter.Ne}},
	"governorate":     {Type: filter.String, Ops: []filter.Op{filter.Eq, filter.Ne, filter.Has}},
	"district":        {Type: filter.String, Ops: []filter.Op{filter.Eq, filter.Ne}},
	"reporting_force": {Type: filter.String, Ops: []filter.Op{filter.Eq, filter.Ne}},
	"place.latitude":  {Type: filter.Number, Ops: filter.Ordered},
	"place.longitude": {Type: filter.Number, Ops: filter.Ordered},
}

// record gives the ListIncidents filter an incident's fields.
func record(d *Doc) filter.Record {
	in := &d.Body
	return func(field string) any {
		switch field {
		case "occur_time":
			return in.OccurTime
		case "place.latitude":
			return in.Place.Point.Lat
		case "place.longitude":
			return in.Place.Point.Lng
		case "governorate":
			return in.Governorates
		case "kind":
			return in.Kind
		case "state":
			return in.State
		case "district":
			return in.District
		case "reporting_force":
			return in.ReportingForce
		}
		return nil
	}
}
