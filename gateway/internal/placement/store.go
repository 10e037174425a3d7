package placement

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/store"
)

// Store keeps the placements and the follower's resume token in the gateway's database.
// A placement is one document per incident, replaced whole: the single-document write
// the embedded store makes atomic.
type Store struct {
	placements *mongo.Collection
	cursors    *mongo.Collection
}

// cursorID names the follower's resume-token document.
const cursorID = "incident-watch"

// NewStore returns the store over db and creates its indexes.
func NewStore(ctx context.Context, db *mongo.Database) (*Store, error) {
	s := &Store{placements: db.Collection("placements"), cursors: db.Collection("cursors")}
	err := store.EnsureIndexes(ctx, s.placements,
		store.Index{Name: "occur_time", Keys: bson.D{{Key: "occur_time", Value: -1}}},
		store.Index{Name: "zones", Keys: bson.D{{Key: "zones", Value: 1}}})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Get returns the placement of the named incident, if there is one.
func (s *Store) Get(ctx context.Context, name string) (Placement, bool, error) {
	var p Placement
	err := s.placements.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Placement{}, false, nil
	}
	if err != nil {
		return Placement{}, false, fmt.Errorf("get placement %s: %w", name, err)
	}
	return p, true, nil
}

// Put stores p, replacing the incident's earlier placement.
func (s *Store) Put(ctx context.Context, p Placement) error {
	if p.Zones == nil {
		p.Zones = []string{} // an empty array, so `zones: X` queries never meet a null
	}
	_, err := s.placements.ReplaceOne(ctx, bson.D{{Key: "_id", Value: p.Name}}, p, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("put placement %s: %w", p.Name, err)
	}
	return nil
}

// Each calls fn with every stored placement.
func (s *Store) Each(ctx context.Context, fn func(Placement) error) error {
	return s.each(ctx, bson.D{}, fn)
}

// Candidates returns the placements that a change of zone may move: those placed in it,
// and those whose point lies within b (its new bounding box; nil once it is deleted).
func (s *Store) Candidates(ctx context.Context, zone string, b *zones.Bounds) ([]Placement, error) {
	or := bson.A{bson.D{{Key: "zones", Value: zone}}}
	if b != nil {
		or = append(or, bson.D{
			{Key: "place.point.lat", Value: bson.D{{Key: "$gte", Value: b.MinLat}, {Key: "$lte", Value: b.MaxLat}}},
			{Key: "place.point.lng", Value: bson.D{{Key: "$gte", Value: b.MinLng}, {Key: "$lte", Value: b.MaxLng}}},
		})
	}
	var out []Placement
	err := s.each(ctx, bson.D{{Key: "$or", Value: or}}, func(p Placement) error {
		out = append(out, p)
		return nil
	})
	return out, err
}

// Between returns the placements in at least one zone whose incident happened in
// [from, to).
func (s *Store) Between(ctx context.Context, from, to time.Time) ([]Placement, error) {
	var out []Placement
	err := s.each(ctx, bson.D{{Key: "occur_time", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}}},
		func(p Placement) error {
			if len(p.Zones) > 0 {
				out = append(out, p)
			}
			return nil
		})
	return out, err
}

func (s *Store) each(ctx context.Context, filter bson.D, fn func(Placement) error) error {
	cur, err := s.placements.Find(ctx, filter)
	if err != nil {
		return fmt.Errorf("find placements: %w", err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	for cur.Next(ctx) {
		var p Placement
		if err := cur.Decode(&p); err != nil {
			return fmt.Errorf("read placement: %w", err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read placements: %w", err)
	}
	return nil
}

// Token returns the follower's stored resume token ("" before the first event).
func (s *Store) Token(ctx context.Context) (string, error) {
	var c struct {
		Token string `bson:"token"`
	}
	err := s.cursors.FindOne(ctx, bson.D{{Key: "_id", Value: cursorID}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("get resume token: %w", err)
	}
	return c.Token, nil
}

// SaveToken stores the follower's resume token.
func (s *Store) SaveToken(ctx context.Context, token string) error {
	_, err := s.cursors.ReplaceOne(ctx, bson.D{{Key: "_id", Value: cursorID}},
		bson.D{{Key: "_id", Value: cursorID}, {Key: "token", Value: token}, {Key: "save_time", Value: time.Now().UTC()}},
		options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("save resume token: %w", err)
	}
	return nil
}
