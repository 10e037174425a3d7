package changes

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

func newLog(t *testing.T) *Log {
	t.Helper()
	l, err := New(context.Background(), storetest.DB(t), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// received is one delivered change.
type received struct {
	zone, kind, token string
}

// follow collects the changes after token until n have come (0: until none has come for
// a second) or 10s pass.
func follow(t *testing.T, l *Log, token string, n int) ([]received, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []received
	var quiet *time.Timer
	if n == 0 {
		quiet = time.AfterFunc(time.Second, cancel)
		defer quiet.Stop()
	}
	err := l.Follow(ctx, token, func(ch Change, tok string) error {
		got = append(got, received{ch.Zone, ch.Kind, tok})
		if quiet != nil {
			quiet.Reset(time.Second)
		}
		if len(got) == n {
			cancel()
		}
		return nil
	})
	return got, err
}

func zonesOf(rs []received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.kind+" "+r.zone)
	}
	return out
}

func TestFollowFromPositionAndResume(t *testing.T) {
	l := newLog(t)
	ctx := context.Background()
	l.Updated(ctx, "zones/old", "zones/old")
	pos, err := l.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l.Updated(ctx, "zones/makhmour", "incidents/khidr-jija")
	l.Updated(ctx, "zones/kifri", "deployments/d1")
	l.Removed(ctx, "zones/kirkuk")

	got, err := follow(t, l, pos, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"updated zones/makhmour", "updated zones/kifri", "removed zones/kirkuk"}
	if !slices.Equal(zonesOf(got), want) {
		t.Fatalf("from the position: %v, want %v", zonesOf(got), want)
	}
	// Resuming after the second change gives the third and what came since, at least
	// once (changes too recent to have settled may come again), and nothing from before
	// the position the watch started from.
	l.Updated(ctx, "zones/sinjar", "zones/sinjar")
	again, err := follow(t, l, got[1].token, 0)
	if err != nil {
		t.Fatal(err)
	}
	resumed := zonesOf(again)
	if n := len(resumed); n < 2 || !slices.Equal(resumed[n-2:], []string{"removed zones/kirkuk", "updated zones/sinjar"}) ||
		slices.Contains(resumed, "updated zones/old") {
		t.Errorf("resumed: %v, want ... removed zones/kirkuk, updated zones/sinjar, and not zones/old", resumed)
	}
}

func TestFollowRefusesBadTokens(t *testing.T) {
	l := newLog(t)
	if _, err := follow(t, l, "not a token!", 1); status.Code(apperr.ToStatus(err, "test")) != codes.InvalidArgument {
		t.Errorf("bad token: %v, want INVALID_ARGUMENT", err)
	}
}

// The feed keeps one document per zone, whatever the number of changes: a change is an
// update through the store (so every replica's cache follows it), never an append to a
// collection pruned behind the store's back.
func TestFeedHoldsOneDocumentPerZone(t *testing.T) {
	l := newLog(t)
	ctx := context.Background()
	pos, err := l.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		l.Updated(ctx, "zones/makhmour", "incidents/i1")
		l.Updated(ctx, "zones/kifri", "incidents/i2")
	}
	l.Removed(ctx, "zones/kifri")
	n, err := l.c.Mongo().CountDocuments(ctx, map[string]any{})
	if err != nil || n != 2 {
		t.Errorf("%d feed documents (%v), want 2: one per zone", n, err)
	}
	got, err := follow(t, l, pos, 41)
	if err != nil || len(got) != 41 || got[40] != (received{"zones/kifri", KindRemoved, got[40].token}) {
		t.Errorf("followed %d changes (%v), last %v: want all 41, the removal last", len(got), err, got[len(got)-1])
	}
}
