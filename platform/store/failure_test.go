package store_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/embedded"
)

// codeOf is the code a client would get for err.
func codeOf(err error) codes.Code { return status.Code(apperr.ToStatus(err, "tansiq.test")) }

// TestStoreDownIsUnavailable: a store that went away is something a retry may fix, so
// callers get UNAVAILABLE, not INTERNAL (which clients must not retry).
func TestStoreDownIsUnavailable(t *testing.T) {
	srv, err := embedded.Start(context.Background(), t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()).SetServerSelectionTimeout(500 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	ctx := context.Background()
	c := store.NewCollection[note](client.Database("down"), "notes")
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a", RequestID: "r1", RequestHash: "h"}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	tests := []struct {
		name string
		op   func() error
	}{
		// A name the cache does not hold is looked for in the log.
		{"Get", func() error { _, err := c.Get(ctx, "notes/missing"); return err }},
		{"Create", func() error {
			_, err := c.Create(ctx, &store.Doc[note]{Name: "notes/b", RequestID: "r2", RequestHash: "h"})
			return err
		}},
		{"Find", func() error { _, err := c.Find(ctx, nil, nil, 0); return err }},
		{"Update", func() error {
			_, err := c.Update(ctx, store.Change{Name: "notes/a", Verb: "updated"}, func(*store.Doc[note]) error { return nil })
			return err
		}},
	}
	for _, tt := range tests {
		if got, want := codeOf(tt.op()), codes.Unavailable; got != want {
			t.Errorf("%s with the store down: %v, want %v", tt.name, got, want)
		}
	}
	// What the cache holds is still served.
	if d, err := c.Get(ctx, "notes/a"); err != nil || d.Name != "notes/a" {
		t.Errorf("Get of a cached record with the store down = %v, %v; want it served from the cache", d, err)
	}
}

// TestCallerDeadlineIsNotInternal: an operation ended by the caller's own deadline or
// cancellation says so, rather than reporting (and logging) an internal error.
func TestCallerDeadlineIsNotInternal(t *testing.T) {
	c := newColl(t)
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		want codes.Code
	}{
		{"deadline passed", expired, codes.DeadlineExceeded},
		{"canceled", canceled, codes.Canceled},
	}
	for _, tt := range tests {
		_, err := c.Find(tt.ctx, nil, nil, 0)
		if got := codeOf(err); got != tt.want {
			t.Errorf("Find, %s: %v (%v), want %v", tt.name, got, err, tt.want)
		}
		_, err = c.Create(tt.ctx, &store.Doc[note]{Name: "notes/x", RequestHash: "h"})
		if got := codeOf(err); got != tt.want {
			t.Errorf("Create, %s: %v (%v), want %v", tt.name, got, err, tt.want)
		}
	}
}
