package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/tansiq/tansiq/platform/store/embedded"
	"github.com/tansiq/tansiq/platform/telemetry"
)

// Options says where a service's database lives.
type Options struct {
	// URI of MongoDB; empty starts an embedded FerretDB under DataDir.
	URI string
	// DataDir holds the embedded store's files when URI is empty.
	DataDir string
	// Database is the service's own database, e.g. "tansiq_incident".
	Database string
}

// DB is an open database and what it takes to close it.
type DB struct {
	*mongo.Database
	client   *mongo.Client
	embedded *embedded.Server
	// answered and failed are when (unix ns) a command last succeeded and last failed.
	answered, failed atomic.Int64
	pings            atomic.Int64 // the pings Ready sent
}

// Open connects to the configured store, starting the embedded one if no URI is given,
// and waits until it answers a ping.
func Open(ctx context.Context, o Options) (*DB, error) {
	db := &DB{}
	uri := o.URI
	if uri == "" {
		srv, err := embedded.StartPrivate(context.Background(), filepath.Join(o.DataDir, "store"))
		if err != nil {
			return nil, err
		}
		db.embedded, uri = srv, srv.URI()
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		// With the store away, every operation gives up after ServerSelectionTimeout (a
		// killed store refuses connections at once) and reports UNAVAILABLE: the README's
		// bound on a create while the store is down rests on it. ConnectTimeout bounds a
		// connection to a store that does not answer (a host gone from the network: 30 s
		// by default), and each heartbeat check of it. The heartbeat stays at the
		// driver's 10 s: a dead store is noticed at the first failed command, and the
		// health check looks every 2 s (Ready), so a faster one would only add commands to
		// an idle store.
		SetServerSelectionTimeout(2 * time.Second).
		SetConnectTimeout(3 * time.Second).
		SetHeartbeatInterval(10 * time.Second).
		SetTimeout(30 * time.Second).
		// Each command becomes a span of the call it serves, so a trace runs into the store;
		// and Ready knows when the store last answered.
		SetMonitor(db.monitor(telemetry.MongoMonitor())))
	if err != nil {
		db.closeEmbedded()
		return nil, fmt.Errorf("connect store: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		if err = client.Ping(pctx, readpref.Primary()); err == nil {
			break
		}
		select {
		case <-pctx.Done():
			_ = client.Disconnect(context.Background())
			db.closeEmbedded()
			return nil, fmt.Errorf("store not reachable: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	db.client = client
	db.Database = client.Database(o.Database)
	return db, nil
}

// monitor is m, also noting when a command succeeded or failed. m may be nil (no span is
// exported): then no started event is asked for, which spares the driver a copy of every
// command, documents included.
func (db *DB) monitor(m *event.CommandMonitor) *event.CommandMonitor {
	if m == nil {
		m = &event.CommandMonitor{}
	}
	return &event.CommandMonitor{
		Started: m.Started,
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			db.answered.Store(time.Now().UnixNano())
			if m.Succeeded != nil {
				m.Succeeded(ctx, e)
			}
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			db.failed.Store(time.Now().UnixNano())
			if m.Failed != nil {
				m.Failed(ctx, e)
			}
		},
	}
}

// Ready reports whether the store answers: nil if a command succeeded less than within
// ago and none failed since, else whether it answers a ping. A process's followers read
// the store every 500 ms, so an idle process's health check costs the store nothing (a
// ping every 2 s from each process was a tenth of an idle store's commands), and a failed
// read sends the next check to the store at once.
func (db *DB) Ready(ctx context.Context, within time.Duration) error {
	answered := db.answered.Load()
	if answered > db.failed.Load() && time.Since(time.Unix(0, answered)) < within {
		return nil
	}
	db.pings.Add(1)
	return db.client.Ping(ctx, nil)
}

// Close closes every collection of the database this process loaded (Collection.Close:
// what the materialisers gathered is written, and a snapshot where one is due), all at
// once and each within ctx, then disconnects and stops the embedded store if one was
// started. A server calls it once it has stopped serving.
func (db *DB) Close(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, c := range loadedIn(db.Database) {
		wg.Go(func() { c(ctx) })
	}
	wg.Wait()
	err := db.client.Disconnect(ctx)
	db.closeEmbedded()
	return err
}

func (db *DB) closeEmbedded() {
	if db.embedded != nil {
		db.embedded.Stop()
	}
}

// registry holds a closer for every collection this process loaded, by database, weakly:
// a collection dropped without Close (as in tests) is not kept alive by it.
var registry struct {
	sync.Mutex
	by map[dbKey][]loadedColl
}

type dbKey struct {
	client *mongo.Client
	name   string
}

type loadedColl struct {
	close func(ctx context.Context) // Close, if the collection is still alive
	alive func() bool
}

// opened records c, just loaded, for DB.Close.
func opened[T any](c *Collection[T]) {
	wc := weak.Make(c)
	lc := loadedColl{
		close: func(ctx context.Context) {
			if c := wc.Value(); c != nil {
				c.Close(ctx)
			}
		},
		alive: func() bool { return wc.Value() != nil },
	}
	db := c.coll.Database()
	k := dbKey{db.Client(), db.Name()}
	registry.Lock()
	defer registry.Unlock()
	if registry.by == nil {
		registry.by = map[dbKey][]loadedColl{}
	}
	registry.by[k] = append(slices.DeleteFunc(registry.by[k], func(l loadedColl) bool { return !l.alive() }), lc)
}

// loadedIn returns the closers of db's loaded collections and forgets them.
func loadedIn(db *mongo.Database) []func(context.Context) {
	if db == nil {
		return nil
	}
	k := dbKey{db.Client(), db.Name()}
	registry.Lock()
	defer registry.Unlock()
	var closers []func(context.Context)
	for _, l := range registry.by[k] {
		closers = append(closers, l.close)
	}
	delete(registry.by, k)
	return closers
}
