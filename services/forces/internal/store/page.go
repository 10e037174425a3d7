package store

import "go.mongodb.org/mongo-driver/v2/bson"

// byName is the order of every list: resource name, ascending.
var byName = bson.D{{Key: "_id", Value: 1}}

// afterName limits q to names after the cursor, for the next page.
func afterName(q bson.D, after string) bson.D {
	if after == "" {
		return q
	}
	return append(q, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
}

// ofForce limits q to the records of force (all forces when force is empty). The owner is
// the force that is the parent of each record's name.
func ofForce(q bson.D, force string) bson.D {
	if force == "" {
		return q
	}
	return append(q, bson.E{Key: "owner", Value: force})
}

// inNames matches the documents named in names.
func inNames(names []string) bson.D {
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: names}}}}
}
