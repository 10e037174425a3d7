package store_test

import (
	"context"
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

func TestRemoveIsIdempotentByRequestID(t *testing.T) {
	ctx := context.Background()
	c := newColl(t)
	d, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/b"}); err != nil {
		t.Fatal(err)
	}
	refused := apperr.New(apperr.KindFailedPrecondition, "IN_USE", "in use")
	tests := []struct {
		name     string
		r        store.Removal
		check    func(*store.Doc[note]) error
		wantKind apperr.Kind // -1: success
	}{
		{"stale etag", store.Removal{Name: "notes/a", Etag: "stale"}, nil, apperr.KindAborted},
		{"check refuses", store.Removal{Name: "notes/a", RequestID: "d0", RequestHash: "h"}, func(*store.Doc[note]) error { return refused }, apperr.KindFailedPrecondition},
		{"delete", store.Removal{Name: "notes/a", Etag: d.Etag, RequestID: "d1", RequestHash: "h"}, nil, -1},
		{"retry succeeds again", store.Removal{Name: "notes/a", Etag: d.Etag, RequestID: "d1", RequestHash: "h"}, nil, -1},
		{"same id, other request", store.Removal{Name: "notes/b", RequestID: "d1", RequestHash: "other"}, nil, apperr.KindInvalidArgument},
		{"a new request for a gone document", store.Removal{Name: "notes/a", RequestID: "d2", RequestHash: "h"}, nil, apperr.KindNotFound},
		{"no request id", store.Removal{Name: "notes/a"}, nil, apperr.KindNotFound},
	}
	for _, tt := range tests {
		err := c.Remove(ctx, tt.r, tt.check)
		switch {
		case tt.wantKind == -1 && err != nil:
			t.Errorf("%s: err = %v, want success", tt.name, err)
		case tt.wantKind != -1 && !apperr.IsKind(err, tt.wantKind):
			t.Errorf("%s: err = %v, want kind %v", tt.name, err, tt.wantKind)
		}
	}
	// The refused and the mismatched attempts deleted nothing else; b is still there.
	if _, err := c.Get(ctx, "notes/b"); err != nil {
		t.Fatalf("notes/b: %v", err)
	}
	// A refused attempt wrote no receipt: once allowed, the same id deletes for real.
	if err := c.Remove(ctx, store.Removal{Name: "notes/b", RequestID: "d0", RequestHash: "h"}, nil); err != nil {
		t.Fatalf("d0 after a refusal: %v", err)
	}
	if _, err := c.Get(ctx, "notes/b"); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("notes/b after delete: err = %v, want NOT_FOUND", err)
	}
}
