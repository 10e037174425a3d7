package zones

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

// Store is the zones collection of the gateway's database, served from this process's
// cache of it (platform/store).
type Store struct {
	*store.Collection[Zone]
}

// byName is the order the catalog loads zones in.
const byName = "name"

// NewStore returns the collection with its order declared; Load it before serving.
func NewStore(ctx context.Context, db *mongo.Database) (*Store, error) {
	c := store.NewCollection[Zone](db, "zones")
	c.OrderBy(byName, func(a, b *Doc) bool { return a.Name < b.Name })
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Store{c}, nil
}

// All returns every stored zone, by name, from the cache.
func (s *Store) All(ctx context.Context) ([]*Doc, error) {
	return s.List(ctx, store.Selector[Zone]{Order: byName})
}

// A zone being deleted refuses proposals for closingFor; its deletion, a few store
// operations, commits only while closingMargin of that is left, so a replica whose clock
// runs up to closingMargin ahead still refuses proposals until the zone is gone.
const (
	closingFor    = 30 * time.Second
	closingMargin = 10 * time.Second
)

// Open refuses a proposal in zone unless the zone exists and is not being deleted, as the
// zones log stands now (read forward first). A proposal calls it inside its own
// compare-and-swap (deployments.Store.CreateBooking): see RemoveGuarded.
func (s *Store) Open(ctx context.Context, zone string) error {
	if _, err := s.CurrentSeq(ctx); err != nil {
		return err
	}
	d, err := s.Get(ctx, zone)
	if apperr.IsKind(err, apperr.KindNotFound) {
		var v apperr.Violations
		v.Add("deployment.zone", "no such zone")
		return v.Err()
	}
	if err != nil {
		return err
	}
	if d.Body.ClosingUntil.After(time.Now()) {
		return &apperr.Error{Kind: apperr.KindFailedPrecondition, Reason: "ZONE_BEING_DELETED",
			Message: zone + " is being deleted", Metadata: map[string]string{"zone": zone}}
	}
	return nil
}

// RemoveGuarded deletes a zone in which guard names no PROPOSED or ACTIVE deployment, so
// that the rule holds across gateway replicas although zones and deployments are two
// logs: it marks the zone closing (a proposal committed after the mark sees it in Open
// and is refused), fences the deployments log (a proposal decided before the mark then
// fails its insert and is decided again, seeing the mark), and only then reads the
// deployments and deletes. A refused deletion reopens the zone; one interrupted leaves it
// closing for at most closingFor.
func (s *Store) RemoveGuarded(ctx context.Context, r store.Removal, guard Guard) error {
	marked, err := s.Update(ctx, store.Change{Name: r.Name, Etag: r.Etag, Verb: "closing"}, func(d *Doc) error {
		d.Body.ClosingUntil = time.Now().Add(closingFor).UTC()
		return nil
	})
	if err != nil {
		return err
	}
	r.Etag = marked.Etag
	err = guard.Fence(ctx)
	if err == nil {
		err = s.Remove(ctx, r, func(cur *Doc) error {
			if time.Until(cur.Body.ClosingUntil) < closingMargin {
				return apperr.New(apperr.KindAborted, "ZONE_DELETION_TOO_SLOW", "the deletion of %s took too long: retry", r.Name)
			}
			dep, err := guard.Blocking(ctx, r.Name)
			if err != nil {
				return err
			}
			if dep != "" {
				return &apperr.Error{Kind: apperr.KindFailedPrecondition, Reason: "ZONE_HAS_DEPLOYMENTS",
					Message:  r.Name + " has a proposed or active deployment, " + dep + ": end or cancel it first",
					Metadata: map[string]string{"zone": r.Name, "deployment": dep}}
			}
			return nil
		})
	}
	if err != nil {
		// Reopen the zone (best effort: the mark expires anyway).
		_, _ = s.Update(context.WithoutCancel(ctx), store.Change{Name: r.Name, Etag: marked.Etag, Verb: "reopened"}, func(d *Doc) error {
			d.Body.ClosingUntil = time.Time{}
			return nil
		})
	}
	return err
}
