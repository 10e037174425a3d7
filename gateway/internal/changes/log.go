package changes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

// DefaultKeep is how many changes the feed keeps: a watcher that falls further behind
// (offline for that many changes) gets OUT_OF_RANGE and starts again from a snapshot.
const DefaultKeep = 10000

// defaultPruneEvery is how many recorded changes pass between two prunings.
const defaultPruneEvery = 256

// Log is the feed of picture changes, in the gateway's database.
type Log struct {
	c    *store.Collection[Change]
	meta *mongo.Collection
	log  *slog.Logger
	now  func() time.Time
	// Keep bounds the changes kept; set before use.
	Keep int64
	// pruneEvery is how many recorded changes pass between two prunings.
	pruneEvery int64
	recorded   atomic.Int64
}

// New returns the feed over db and creates its indexes.
func New(ctx context.Context, db *mongo.Database, log *slog.Logger) (*Log, error) {
	c := store.NewCollection[Change](db, "picture_changes")
	if err := c.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	return &Log{c: c, meta: db.Collection("picture_changes_meta"), log: log, now: time.Now, Keep: DefaultKeep, pruneEvery: defaultPruneEvery}, nil
}

// Updated records that zone's picture changed because of causes (resource names). A
// failure is logged, not returned: the change that caused it stands, and the zone's next
// change carries its whole picture anyway.
func (l *Log) Updated(ctx context.Context, zone string, causes ...string) {
	l.record(ctx, Change{Zone: zone, Kind: KindUpdated, Causes: causes})
}

// Removed records that zone was deleted.
func (l *Log) Removed(ctx context.Context, zone string) {
	l.record(ctx, Change{Zone: zone, Kind: KindRemoved, Causes: []string{zone}})
}

func (l *Log) record(ctx context.Context, ch Change) {
	// The change happened: record it even if the caller's call is being cancelled.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ch.Time = l.now().UTC().Truncate(time.Millisecond)
	d, err := l.c.Create(ctx, &store.Doc[Change]{Name: "c" + store.NewID(), Body: ch})
	if err != nil {
		l.log.Warn("picture change not recorded", "zone", ch.Zone, "error", err)
		return
	}
	if l.recorded.Add(1)%l.pruneEvery == 0 {
		if err := l.prune(ctx, d.Seq); err != nil {
			l.log.Warn("picture changes not pruned", "error", err)
		}
	}
}

// prune deletes the changes older than the Keep latest. The mark is written first, so
// that a watcher holding a position below it learns that it may have missed changes.
func (l *Log) prune(ctx context.Context, latest int64) error {
	below := latest - l.Keep
	if below <= 0 {
		return nil
	}
	_, err := l.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: "pruned"}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: below}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return err
	}
	_, err = l.c.Mongo().DeleteMany(ctx, bson.D{{Key: "seq", Value: bson.D{{Key: "$lte", Value: below}}}})
	return err
}

// pruned returns the highest sequence number pruning may have removed (0 if none).
func (l *Log) pruned(ctx context.Context) (int64, error) {
	var m struct {
		Seq int64 `bson:"seq"`
	}
	err := l.meta.FindOne(ctx, bson.D{{Key: "_id", Value: "pruned"}}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return m.Seq, err
}

// Position returns a resume token for the changes recorded from now on.
func (l *Log) Position(ctx context.Context) (string, error) {
	seq, err := l.c.CurrentSeq(ctx)
	if err != nil {
		return "", apperr.Internal(fmt.Errorf("picture feed position: %w", err))
	}
	return position{Seq: seq, Floor: seq}.token(), nil
}

// ErrTooOld is returned by Follow for a resume token older than the changes kept: an
// OUT_OF_RANGE status (which the shared error kinds do not have), ready to return.
var ErrTooOld = func() error {
	st := status.New(codes.OutOfRange,
		"resume_token is older than the changes kept: get the picture again and watch from its resume_token")
	st, _ = st.WithDetails(&errdetails.ErrorInfo{Reason: "RESUME_TOKEN_EXPIRED", Domain: "tansiq.gateway"})
	return st.Err()
}()

// Follow calls send with every change after the position in token, then with new ones as
// they are stored, until ctx ends (nil) or send fails (its error). Each change comes with
// the token that resumes after it. Delivery is at least once, in the order stored.
func (l *Log) Follow(ctx context.Context, token string, send func(ch Change, token string) error) error {
	pos, err := parseToken(token)
	if err != nil {
		return err
	}
	pruned, err := l.pruned(ctx)
	if err != nil {
		return apperr.Internal(err)
	}
	if pos.Seq < pruned {
		return ErrTooOld
	}
	last := pos.Seq
	return l.c.Follow(ctx, pos.Feed, false, func(d *store.Doc[Change], feed string) error {
		// The store replays from its own safe point (from the start without a feed
		// token): skip what lies at or below the holder's floor.
		if d.Seq <= pos.Floor {
			return nil
		}
		last = max(last, d.Seq)
		return send(d.Body, position{Feed: feed, Seq: last, Floor: pos.Floor}.token())
	})
}
