package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store"
)

// TestReadyPingsOnlyWhenNothingAnswered: Ready takes a command answered within its bound,
// with no failure since, as the store's answer, and pings the store otherwise: after
// nothing answered within the bound, and after a failure.
func TestReadyPingsOnlyWhenNothingAnswered(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), Database: "ready_test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	err = db.Collection("things").FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Err()
	if !errors.Is(err, mongo.ErrNoDocuments) {
		t.Fatalf("find: %v", err)
	}
	before := store.Pings(db)
	if err := db.Ready(ctx, time.Hour); err != nil || store.Pings(db) != before {
		t.Fatalf("with a command answered within the hour: %v, %d pings", err, store.Pings(db)-before)
	}
	if err := db.Ready(ctx, 0); err != nil || store.Pings(db) != before+1 {
		t.Fatalf("with nothing answered within the bound: %v, %d pings, want 1", err, store.Pings(db)-before)
	}
	if err := db.RunCommand(ctx, bson.D{{Key: "noSuchCommand", Value: 1}}).Err(); err == nil {
		t.Fatal("an unknown command succeeded")
	}
	if err := db.Ready(ctx, time.Hour); err != nil || store.Pings(db) != before+2 {
		t.Fatalf("after a failed command: %v, %d pings, want 2", err, store.Pings(db)-before)
	}
	if err := db.Ready(ctx, time.Hour); err != nil || store.Pings(db) != before+2 {
		t.Fatalf("after the ping answered: %v, %d pings, want still 2", err, store.Pings(db)-before)
	}
}
