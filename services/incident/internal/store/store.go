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
	"github.com/tansiq/tansiq/platform/orderby"
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

// Sorts are the orders ListIncidents serves, the default (newest first) first: each is kept
// sorted in the cache, ties broken on name in the direction of the order, and its page
// cursors (store.Cursor) carry the time and the name of a page's last incident.
var Sorts = store.Sorts[domain.Incident]{
	{OrderBy: "occur_time desc", Key: store.ByTime(occurTime)},
	{OrderBy: "occur_time", Key: store.ByTime(occurTime)},
	{OrderBy: "update_time desc", Key: store.ByTime(store.UpdateTime[domain.Incident])},
	{OrderBy: "update_time", Key: store.ByTime(store.UpdateTime[domain.Incident])},
}

func occurTime(d *Doc) time.Time { return d.Body.OccurTime }

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
	Sorts.Declare(c)
	for name, keys := range indexed {
		c.IndexBy(name, keys)
	}
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Incidents{c}, nil
}

// List returns up to limit incidents matching the filter, in order (one of Sorts), after
// the cursor after (nil: from the start). The filter's top-level equalities on indexed
// fields choose the candidates, and in an occur_time order its bounds on occur_time say
// where the walk starts and stops.
func (s *Incidents) List(ctx context.Context, f filter.Filter, order store.Sort[domain.Incident], after *store.Cursor, limit int) ([]*Doc, error) {
	sel := order.Selector(after, limit)
	sel.Match = func(d *Doc) bool { return f.Match(record(d)) }
	for _, c := range f.Conjuncts() {
		if _, ok := indexed[c.Field]; ok && (c.Op == filter.Eq || c.Op == filter.Has && c.Value != filter.Present) {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: c.Value.(string)})
		}
	}
	if strings.TrimSuffix(order.OrderBy, " desc") == "occur_time" {
		sel = store.Bounded(sel, f, "occur_time", orderby.Desc(order.OrderBy), record,
			func(t time.Time, name string) *Doc { return &Doc{Name: name, Body: domain.Incident{OccurTime: t}} })
	}
	return s.Collection.List(ctx, sel)
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
