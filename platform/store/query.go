package store

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/platform/filter"
)

var mongoOps = map[filter.Op]string{
	filter.Eq: "$eq", filter.Ne: "$ne", filter.Lt: "$lt", filter.Le: "$lte", filter.Gt: "$gt", filter.Ge: "$gte",
}

// Query turns checked filter conditions into a MongoDB filter, mapping each field to its
// document path. Every condition is its own clause of an $and, so two conditions on one
// field (a range, or two equalities) never collide as duplicate keys; an equality on an
// array field matches any element, as the API documents.
func Query(conds []filter.Typed, paths map[string]string) bson.D {
	if len(conds) == 0 {
		return bson.D{}
	}
	and := make(bson.A, 0, len(conds))
	for _, c := range conds {
		and = append(and, bson.D{{Key: paths[c.Field], Value: bson.D{{Key: mongoOps[c.Op], Value: c.Value}}}})
	}
	return bson.D{{Key: "$and", Value: and}}
}
