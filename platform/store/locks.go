package store

import (
	"sync"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// FerretDB 1.x evaluates an update as a query followed by a write, so two concurrent
// compare-and-swaps (or $inc on the sequence counter) on one document can both succeed.
// Writes to one collection are therefore serialised within the process. On MongoDB the
// filters alone make the writes atomic, across replicas too; on the embedded store one
// process owns each database, so this lock is all the exclusion needed.
var writeLocks sync.Map // "db.collection" -> *sync.Mutex

func lockFor(c *mongo.Collection) *sync.Mutex {
	m, _ := writeLocks.LoadOrStore(c.Database().Name()+"."+c.Name(), &sync.Mutex{})
	return m.(*sync.Mutex)
}
