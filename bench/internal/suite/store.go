package suite

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Keys of countDocs beside "database.collection": the incidents, and those of them whose
// request id matches the pattern given.
const (
	incidentsKey  = "tansiq_incident.incidents"
	viaGatewayKey = "tansiq_incident.incidents (through the gateway)"
)

// connectStore opens a client to the store with the settings the services use.
func connectStore(uri string) (*mongo.Client, error) {
	return mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).
		SetTimeout(30 * time.Second))
}

// countDocs counts the documents of every collection of dbs, keyed "database.collection",
// and under viaGatewayKey the incidents whose request id matches requestPattern.
func countDocs(ctx context.Context, client *mongo.Client, dbs []string, requestPattern string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, name := range dbs {
		db := client.Database(name)
		colls, err := db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			return nil, err
		}
		for _, c := range colls {
			n, err := db.Collection(c).CountDocuments(ctx, bson.D{})
			if err != nil {
				return nil, err
			}
			out[name+"."+c] = n
		}
	}
	n, err := client.Database("tansiq_incident").Collection("incidents").CountDocuments(ctx,
		bson.D{{Key: "request_id", Value: bson.D{{Key: "$regex", Value: requestPattern}}}})
	if err != nil {
		return nil, err
	}
	out[viaGatewayKey] = n
	return out, nil
}
