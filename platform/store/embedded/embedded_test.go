package embedded

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestExitErrorIsReported: a FerretDB that ends by itself says why, instead of leaving a
// server that looks up but serves nothing.
func TestExitErrorIsReported(t *testing.T) {
	s := &Server{done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	diskFull := errors.New("sqlite: database or disk is full")
	go s.serve(ctx, func(context.Context) error { return diskFull })
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed after FerretDB ended")
	}
	if err := s.Err(); !errors.Is(err, diskFull) {
		t.Fatalf("Err() = %v, want FerretDB's own error", err)
	}
}

// TestStopIsNotAnError: a real server ended by Stop reports no error, nor while it runs.
func TestStopIsNotAnError(t *testing.T) {
	srv, err := Start(context.Background(), t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Err(); err != nil {
		t.Fatalf("Err() of a running server = %v, want nil", err)
	}
	srv.Stop()
	if err := srv.Err(); err != nil {
		t.Fatalf("Err() after Stop = %v, want nil", err)
	}
}

// TestIDReadsUseAnIndex: a collection created while the store runs gets the index its _id
// reads need, and FerretDB's own plan for a read by _id searches it (explain plans with the
// schema a connection loaded, so the plan is read after a restart). Without the index every
// _id read scans the table, and its cost grows with the data.
func TestIDReadsUseAnIndex(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv, err := Start(ctx, dir, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	coll := client.Database("idindex").Collection("created_while_running")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	files, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "idindex.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	var made int
	for deadline := time.Now().Add(10 * time.Second); made == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := files.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'created_while_running%' || ?`, idIndexSuffix).Scan(&made); err != nil {
			t.Fatal(err)
		}
	}
	if made != 1 {
		t.Fatalf("no %s index on the new collection within 10s", idIndexSuffix)
	}
	_ = client.Disconnect(ctx)
	srv.Stop()

	srv, err = Start(ctx, dir, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	client, err = mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(ctx) }()
	var out bson.Raw
	cmd := bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: "created_while_running"}, {Key: "filter", Value: bson.D{{Key: "_id", Value: "a"}}}}}}
	if err := client.Database("idindex").RunCommand(ctx, cmd).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if p := out.Lookup("queryPlanner").String(); !strings.Contains(p, "USING INDEX") || !strings.Contains(p, idIndexSuffix) {
		t.Errorf("FerretDB's plan of a read by _id: %s; want a search of the %s index", p, idIndexSuffix)
	}
}

// TestDatabaseCreatedAgainIsIndexed: a database dropped and created again under its name is
// a new file, and its collections get the index too. A connection kept from the dropped
// file read the old file's schema (and SQLite called the new one malformed), so the new
// collection went unindexed.
func TestDatabaseCreatedAgainIsIndexed(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv, err := Start(ctx, dir, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(ctx) }()
	db := client.Database("again")
	for round := range 2 {
		if _, err := db.Collection("notes").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}}); err != nil {
			t.Fatal(err)
		}
		waitForIDIndex(t, filepath.Join(dir, "again.sqlite"), "notes", round)
		if err := db.Drop(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// waitForIDIndex waits up to 10 s for the _id index of collection in the database file,
// reading the file afresh each time.
func waitForIDIndex(t *testing.T, file, collection string, round int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		files, err := sql.Open("sqlite", "file:"+file)
		if err != nil {
			t.Fatal(err)
		}
		var made int
		err = files.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE ? || '%' || ?`, collection, idIndexSuffix).Scan(&made)
		_ = files.Close()
		if err != nil {
			t.Fatal(err)
		}
		if made == 1 {
			return
		}
	}
	t.Fatalf("round %d: no %s index on %s within 10s", round, idIndexSuffix, collection)
}
