package store

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/platform/filter"
)

var mongoOps = map[filter.Op]string{
	filter.Eq: "$eq", filter.Ne: "$ne", filter.Lt: "$lt", filter.Le: "$lte", filter.Gt: "$gt", filter.Ge: "$gte",
}

// Query turns checked filter conditions into a MongoDB filter, mapping each field to its
// document path. Conditions on one path are merged (a range is one sub-document), and an
// equality on an array field matches any element, as the API documents.
func Query(conds []filter.Typed, paths map[string]string) bson.D {
	var q bson.D
	index := map[string]int{}
	for _, c := range conds {
		path := paths[c.Field]
		op := bson.E{Key: mongoOps[c.Op], Value: c.Value}
		if i, ok := index[path]; ok {
			q[i].Value = append(q[i].Value.(bson.D), op)
			continue
		}
		index[path] = len(q)
		q = append(q, bson.E{Key: path, Value: bson.D{op}})
	}
	return q
}
