package changes

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/store"
)

// Log is the feed of picture changes, in the gateway's database: a store collection with
// one document per zone, named as the zone, holding the zone's latest change. Each change
// is a write through the store, so it is a commit in the store's change log like any
// other: every replica's cache follows it, and the store prunes the log (a resume token
// older than what it keeps is OUT_OF_RANGE). Nothing is ever deleted from the collection
// itself, so it holds one small document per zone ever changed, not one per change.
type Log struct {
	c   *store.Collection[Change]
	log *slog.Logger
	now func() time.Time
}

// collection is the feed's store collection. (Its earlier form, "picture_changes", held a
// document per change and pruned it behind the store's back; it is no longer read.)
const collection = "picture_feed"

// New returns the feed over db.
func New(ctx context.Context, db *mongo.Database, log *slog.Logger) (*Log, error) {
	return &Log{c: store.NewCollection[Change](db, collection), log: log, now: time.Now}, nil
}

// Updated records that zone's picture changed because of causes (resource names). A
// failure is logged, not returned: the change that caused it stands, and the zone's next
// change carries its whole picture anyway.
func (l *Log) Updated(ctx context.Context, zone string, causes ...string) {
	l.record(ctx, Change{Zone: zone, Kind: KindUpdated, Causes: causes})
}

// UpdatedMany records one change of each zone's picture (zone -> causes), as Updated
// does, all at once: written concurrently, the store commits them together (group
// commit), so a batch of placements costs about one round trip of the feed.
func (l *Log) UpdatedMany(ctx context.Context, changes map[string][]string) {
	var wg sync.WaitGroup
	for zone, causes := range changes {
		wg.Go(func() { l.Updated(ctx, zone, causes...) })
	}
	wg.Wait()
}

// Removed records that zone was deleted.
func (l *Log) Removed(ctx context.Context, zone string) {
	l.record(ctx, Change{Zone: zone, Kind: KindRemoved, Causes: []string{zone}})
}

func (l *Log) record(ctx context.Context, ch Change) {
	// The change happened: record it even if the caller's call is being cancelled.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ch.Time = reqcheck.Stored(l.now())
	if err := l.put(ctx, ch); err != nil {
		l.log.Warn("picture change not recorded", "zone", ch.Zone, "error", err)
	}
}

// put makes ch the zone's latest change: an update of the zone's document, or its create
// the first time (another replica may create it first: then it is updated).
func (l *Log) put(ctx context.Context, ch Change) error {
	set := func(d *store.Doc[Change]) error { d.Body = ch; return nil }
	for range 3 {
		_, err := l.c.Update(ctx, store.Change{Name: ch.Zone, Verb: ch.Kind}, set)
		if !apperr.IsKind(err, apperr.KindNotFound) {
			return err
		}
		_, err = l.c.Create(ctx, &store.Doc[Change]{Name: ch.Zone, Change: ch.Kind, Body: ch})
		if !apperr.IsKind(err, apperr.KindAlreadyExists) {
			return err
		}
	}
	return fmt.Errorf("picture change of %s: the zone's feed document keeps changing", ch.Zone)
}

// Position returns a resume token for the changes recorded from now on.
func (l *Log) Position(ctx context.Context) (string, error) {
	seq, err := l.c.CurrentSeq(ctx)
	if err != nil {
		return "", err
	}
	return store.Token(seq), nil
}

// Follow calls send with every change after the position in token, then with new ones as
// they are stored, until ctx ends (nil) or send fails (its error). Each change comes with
// the token that resumes after it, in the order stored. A resume from a position the
// store's cache no longer holds change by change sends each zone changed since once, with
// its latest change: the picture sent for it is the zone's whole picture as it stands, so
// nothing is lost. Errors are the store's: INVALID_ARGUMENT for a token it did not issue,
// OUT_OF_RANGE (RESUME_TOKEN_EXPIRED) for one older than the log it keeps.
func (l *Log) Follow(ctx context.Context, token string, send func(ch Change, token string) error) error {
	if token == "" {
		return store.ErrInvalidToken()
	}
	return l.c.Follow(ctx, token, false, func(d *store.Doc[Change], tok string) error {
		return send(d.Body, tok)
	})
}
