package suite

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// connectStore opens a client to the store with the settings the services use.
func connectStore(uri string) (*mongo.Client, error) {
	return mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).
		SetTimeout(30 * time.Second))
}

// countDocs counts the documents of every collection of dbs, keyed "database.collection":
// how many documents a create adds where, without reading any.
func countDocs(ctx context.Context, client *mongo.Client, dbs []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, name := range dbs {
		db := client.Database(name)
		colls, err := db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			return nil, err
		}
		for _, c := range colls {
			n, err := db.Collection(c).EstimatedDocumentCount(ctx)
			if err != nil {
				return nil, err
			}
			out[name+"."+c] = n
		}
	}
	return out, nil
}
