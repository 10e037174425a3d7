package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/apperr"
)

// firstName returns the name of one document matching q, or "" if none does: enough to
// tell that a record is still referenced, and to say by what.
func firstName(ctx context.Context, c *mongo.Collection, q bson.D) (string, error) {
	var d struct {
		Name string `bson:"_id"`
	}
	err := c.FindOne(ctx, q, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", apperr.Internal(fmt.Errorf("find in %s: %w", c.Name(), err))
	}
	return d.Name, nil
}
