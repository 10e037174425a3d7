package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"google.golang.org/grpc/codes"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/embedded"
)

// TestAcknowledgedWritesSurviveARestart: a write is acknowledged only once the store has
// committed it (the log insert). Writes are made before, during and after an outage of the
// store; a new process loading the collection from the restarted store finds every write
// that was acknowledged. The ones made while the store was down must be refused with
// UNAVAILABLE: acknowledged, they would be lost.
func TestAcknowledgedWritesSurviveARestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() (*embedded.Server, *mongo.Database) {
		t.Helper()
		srv, err := embedded.Start(ctx, dir, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()).SetServerSelectionTimeout(500 * time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = client.Disconnect(context.Background()); srv.Stop() })
		return srv, client.Database("durable")
	}
	srv, db := open()
	c := store.NewCollection[note](db, "notes")
	var acked []string
	write := func(i int, wantAck bool) {
		t.Helper()
		name := fmt.Sprintf("notes/%d", i)
		_, err := c.Create(ctx, &store.Doc[note]{Name: name, Body: note{name}})
		switch {
		case err == nil && wantAck:
			acked = append(acked, name)
		case err == nil:
			t.Errorf("create of %s acknowledged with the store down", name)
			acked = append(acked, name)
		case wantAck || codeOf(err) != codes.Unavailable:
			t.Errorf("create of %s: %v (code %v)", name, err, codeOf(err))
		}
	}
	for i := range 5 {
		write(i, true)
	}
	srv.Stop()
	for i := 5; i < 8; i++ {
		write(i, false)
	}

	_, db = open()
	fresh := store.NewCollection[note](db, "notes")
	for _, name := range acked {
		if d, err := fresh.Get(ctx, name); err != nil || d.Body.Text != name {
			t.Errorf("acknowledged %s, after the restart: %v, %v", name, d, err)
		}
	}
}
