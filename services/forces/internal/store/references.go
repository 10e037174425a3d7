package store

import (
	"context"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

// A reference between two collections (a person's, a TAK binding's or an area's unit, a
// unit's commander) holds across replicas as the gateway's zone deletion holds
// (zones.Store.RemoveGuarded): the record being deleted is marked closing in its own log,
// the logs of the records that may refer to it are fenced (store Collection.Fence), and
// only then are the referrers read and the record deleted. A write naming a record checks
// inside its own compare-and-swap, with Open, that the record exists and is not closing.
// Such a write either committed before the fence, and the deletion reads it, or is decided
// after the fence (a write decided before it fails its insert and is decided again), and so
// sees the mark or the deletion.
//
// A record being deleted refuses new references for closingFor; its deletion, a few store
// operations, commits only while closingMargin of that is left, so a replica whose clock
// runs up to closingMargin ahead still refuses them until the record is gone.
const (
	closingFor    = 30 * time.Second
	closingMargin = 10 * time.Second
)

// closing gives a record's mark: the time until which it is being deleted (zero: not).
type closing[T any] func(*T) *time.Time

// Fencer is the collection holding the records that may refer to one being deleted:
// Fence makes every change to it decided before the fence be decided again after it.
type Fencer interface {
	Fence(ctx context.Context) error
}

// open reports whether the named record exists as c's log stands now (read forward
// first), for a write naming it to check inside its own compare-and-swap; a record being
// deleted is refused with FAILED_PRECONDITION reason.
func open[T any](ctx context.Context, c *store.Collection[T], name string, mark closing[T], reason string) (bool, error) {
	if _, err := c.CurrentSeq(ctx); err != nil {
		return false, err
	}
	d, err := c.Get(ctx, name)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if mark(&d.Body).After(time.Now()) {
		return false, &apperr.Error{Kind: apperr.KindFailedPrecondition, Reason: reason,
			Message: name + " is being deleted", Metadata: map[string]string{"resource": name}}
	}
	return true, nil
}

// removeFenced deletes the record r names from c if check (reading its referrers, whose
// collection is referrers) accepts it: a record still named when asked is refused at once;
// otherwise it marks the record closing, fences referrers, then checks again and removes
// the record while its own mark is still on it and fresh. The caller's etag is
// checked by the mark; the mark's presence guards the removal, so a change made
// meanwhile that leaves the mark (a unit's position report) does not abort it. A refused
// deletion clears its mark; one interrupted leaves it for at most closingFor. A retry of
// a deletion already made (same request id) is answered by the store's receipt.
func removeFenced[T any](ctx context.Context, c *store.Collection[T], r store.Removal, mark closing[T], referrers Fencer, check func(*store.Doc[T]) error) error {
	if cur, err := c.Get(ctx, r.Name); err == nil && (r.Etag == "" || r.Etag == cur.Etag) {
		// A record still named is refused at once, unmarked: its etag stays.
		if err := check(cur); err != nil {
			return err
		}
	}
	until := time.Now().Add(closingFor).UTC().Truncate(time.Millisecond) // as BSON stores it
	_, err := c.Update(ctx, store.Change{Name: r.Name, Etag: r.Etag, Verb: "closing"}, func(d *store.Doc[T]) error {
		*mark(&d.Body) = until
		return nil
	})
	if apperr.IsKind(err, apperr.KindNotFound) && r.RequestID != "" {
		return c.Remove(ctx, r, nil)
	}
	if err != nil {
		return err
	}
	r.Etag = ""
	err = referrers.Fence(ctx)
	if err == nil {
		err = c.Remove(ctx, r, func(cur *store.Doc[T]) error {
			if !mark(&cur.Body).Equal(until) || time.Until(until) < closingMargin {
				return apperr.New(apperr.KindAborted, "DELETION_TOO_SLOW", "the deletion of %s took too long or met another: retry", r.Name)
			}
			return check(cur)
		})
	}
	if err != nil {
		// Clear the mark if it is still this deletion's (best effort: it expires anyway).
		_, _ = c.Update(context.WithoutCancel(ctx), store.Change{Name: r.Name, Verb: "reopened"}, func(d *store.Doc[T]) error {
			if !mark(&d.Body).Equal(until) {
				return errNotMine
			}
			*mark(&d.Body) = time.Time{}
			return nil
		})
	}
	return err
}

// errNotMine leaves a mark another deletion set.
var errNotMine = apperr.New(apperr.KindAborted, "MARKED_BY_ANOTHER", "marked by another deletion")
