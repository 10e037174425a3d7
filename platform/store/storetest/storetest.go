// Package storetest gives tests a real MongoDB-wire database: an embedded FerretDB
// (SQLite) started once per test binary, with a fresh database per test.
package storetest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/store/embedded"
)

var (
	once    sync.Once
	client  *mongo.Client
	uri     string
	initErr error
	counter int
	mu      sync.Mutex
)

// DB returns a new empty database on the shared embedded server. Set
// TANSIQ_TEST_MONGODB_URI to run the same tests against a real MongoDB.
func DB(t testing.TB) *mongo.Database {
	t.Helper()
	once.Do(start)
	if initErr != nil {
		t.Fatalf("embedded store: %v", initErr)
	}
	mu.Lock()
	counter++
	name := fmt.Sprintf("t%d_%s", counter, sanitize(t.Name()))
	mu.Unlock()
	db := client.Database(name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}

// Monitored returns db through a client of its own that reports every command to m, so a
// test can count what a component asks of the store.
func Monitored(t testing.TB, db *mongo.Database, m *event.CommandMonitor) *mongo.Database {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(30 * time.Second).SetMonitor(m))
	if err != nil {
		t.Fatalf("embedded store: %v", err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c.Database(db.Name())
}

func start() {
	uri = os.Getenv("TANSIQ_TEST_MONGODB_URI")
	if uri == "" {
		dir, err := os.MkdirTemp("", "tansiq-storetest-")
		if err != nil {
			initErr = err
			return
		}
		srv, err := embedded.Start(context.Background(), dir, "127.0.0.1:0")
		if err != nil {
			initErr = err
			return
		}
		uri = srv.URI()
	}
	client, initErr = mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(30 * time.Second))
}

func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}
