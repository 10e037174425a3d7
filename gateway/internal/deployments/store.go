package deployments

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
)

// Store is the deployments collection of the gateway's database, served from this
// process's cache of it (platform/store): every gateway replica follows the one log, and
// every write is a compare-and-swap on it.
type Store struct {
	*store.Collection[Deployment]
	now func() time.Time
}

// Sorts are the orders ListDeployments serves: "start_time desc" (the default: latest
// start first, then name descending), "start_time", "update_time desc" and "update_time".
var Sorts = store.Sorts[Deployment]{
	{OrderBy: latestStart, Key: store.ByTime(startTime)},
	{OrderBy: "start_time", Key: store.ByTime(startTime)},
	{OrderBy: "update_time desc", Key: store.ByTime(store.UpdateTime[Deployment])},
	{OrderBy: "update_time", Key: store.ByTime(store.UpdateTime[Deployment])},
}

// latestStart is the order the bookings and a zone's deployments are read in.
const latestStart = "start_time desc"

func startTime(d *Doc) time.Time { return d.Body.StartTime }

// indexed are the equality filters served by an index, with the values each deployment is
// found under.
var indexed = map[string]func(*Doc) []string{
	"zone":            func(d *Doc) []string { return []string{d.Body.Zone} },
	"unit":            func(d *Doc) []string { return d.Body.Units },
	"force":           func(d *Doc) []string { return d.Body.Forces },
	"lead_force":      func(d *Doc) []string { return []string{d.Body.LeadForce} },
	"proposing_force": func(d *Doc) []string { return []string{d.Body.ProposingForce} },
}

// NewStore returns the collection with its order and indexes declared; Load it before
// serving.
func NewStore(ctx context.Context, db *mongo.Database) (*Store, error) {
	c := store.NewCollection[Deployment](db, "deployments")
	Sorts.Declare(c)
	for name, keys := range indexed {
		c.IndexBy(name, keys)
	}
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Store{Collection: c, now: time.Now}, nil
}

// Booking returns the deployments that hold their units (see Books) over a window
// overlapping w; with units, only those holding one of them.
func (s *Store) Booking(ctx context.Context, w Window, units ...string) ([]*Doc, error) {
	sel := store.Selector[Deployment]{Order: latestStart, Match: func(d *Doc) bool {
		_, overlaps := w.Overlap(WindowOf(&d.Body))
		return Books(&d.Body) && overlaps && (len(units) == 0 || slices.ContainsFunc(units, func(u string) bool {
			return slices.Contains(d.Body.Units, u)
		}))
	}}
	if len(units) == 1 {
		sel.Where = []store.Key{{Index: "unit", Value: units[0]}}
	}
	return s.Collection.List(ctx, sel)
}

// Zones refuses a proposal in a zone that does not exist or is being deleted, as the zones
// log stands when it is asked (zones.Store.Open).
type Zones interface {
	Open(ctx context.Context, zone string) error
}

// CreateBooking stores a proposal unless its zone is gone or being deleted (zones, when
// not nil) or one of its units is booked (see Books) over an overlapping window by another
// deployment: the checks run inside the store's compare-and-swap, so proposals made at
// once through different gateway replicas never both book a unit, and a proposal never
// lands in a zone another replica is deleting (zones.Store.RemoveGuarded fences this log).
// A retry of the proposal's request is answered before the checks.
func (s *Store) CreateBooking(ctx context.Context, d *Doc, zones Zones) (*Doc, error) {
	return s.CreateChecked(ctx, d, func(ctx context.Context) error {
		if zones != nil {
			if err := zones.Open(ctx, d.Body.Zone); err != nil {
				return err
			}
		}
		booked, err := s.Booking(ctx, WindowOf(&d.Body), d.Body.Units...)
		if err != nil {
			return err
		}
		if uc, _ := Conflicts(d.Body.Zone, d.Body.Units, WindowOf(&d.Body), booked, d.Name, s.now()); len(uc) > 0 {
			return doubleBooked(uc)
		}
		return nil
	})
}

// InZones returns the deployments in the given zones (nil: in every zone) that start
// before the given time, latest start first.
func (s *Store) InZones(ctx context.Context, zones []string, before time.Time) ([]*Doc, error) {
	return s.Collection.List(ctx, store.Selector[Deployment]{Order: latestStart,
		After: []*Doc{probe(before, store.MaxName)},
		Match: func(d *Doc) bool {
			return d.Body.StartTime.Before(before) && (zones == nil || slices.Contains(zones, d.Body.Zone))
		}})
}

// Blocking names a deployment in zone that is PROPOSED or ACTIVE as read now, or
// returns "" when there is none: such a zone may not be deleted.
func (s *Store) Blocking(ctx context.Context, zone string) (string, error) {
	now := s.now()
	docs, err := s.Collection.List(ctx, store.Selector[Deployment]{Order: latestStart, Limit: 1,
		Where: []store.Key{{Index: "zone", Value: zone}},
		Match: func(d *Doc) bool {
			st := d.Body.StateAt(now)
			return d.Body.Zone == zone && (st == StateProposed || st == StateActive)
		}})
	if err != nil || len(docs) == 0 {
		return "", err
	}
	return docs[0].Name, nil
}

// probe is a document with only the order's fields set.
func probe(t time.Time, name string) *Doc {
	return &Doc{Name: name, Body: Deployment{StartTime: t}}
}

// List returns up to limit deployments after the cursor after that match the filter (its
// state as of now), in order (one of Sorts), from the cache.
func (s *Store) List(ctx context.Context, f filter.Filter, now time.Time, order store.Sort[Deployment], after *store.Cursor, limit int) ([]*Doc, error) {
	sel := order.Selector(after, limit)
	sel.Match = func(d *Doc) bool { return f.Match(record(d, now)) }
	for _, c := range f.Conjuncts() {
		if _, ok := indexed[c.Field]; ok && c.Op == filter.Eq {
			sel.Where = append(sel.Where, store.Key{Index: c.Field, Value: c.Value.(string)})
		}
	}
	return s.Collection.List(ctx, sel)
}

// record gives the ListDeployments filter a deployment's fields; its state is computed as
// of now. A list field (force, unit) matches = on any of its values.
func record(d *Doc, now time.Time) filter.Record {
	b := &d.Body
	return func(field string) any {
		switch field {
		case "start_time":
			return b.StartTime
		case "end_time":
			return b.EndKey
		case "force":
			return b.Forces
		case "unit":
			return b.Units
		case "zone":
			return b.Zone
		case "lead_force":
			return b.LeadForce
		case "proposing_force":
			return b.ProposingForce
		case "mandate":
			return b.Mandate
		case "state":
			return b.StateAt(now)
		}
		return nil
	}
}
