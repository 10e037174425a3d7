// Package store keeps meetings, decisions and action items in the service's own database,
// one collection each, with the indexes their queries and idempotency need.
//
// Decisions and action items are documents of their own rather than arrays inside the
// meeting document. Each write that must be atomic stays within one document: a decision
// holds its acknowledgements (adding one and turning the decision binding is one
// compare-and-swap), an action item holds its progress notes and done flag. Embedding
// them in the meeting would make every acknowledgement and note change the meeting's
// etag, so a host editing the meeting would be refused (ABORTED) for changes made by the
// other force to other records, and the decisions and items could not carry the etags,
// request-id memory and times the API gives each of them. Nothing is ever deleted, so the
// references between the documents never dangle, and what a child needs of its parent
// (the meeting's attending forces, the decision's zones) is copied at creation, because
// a decision never changes once recorded.
package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Store is the service's three collections.
type Store struct {
	Meetings    *Meetings
	Decisions   *Decisions
	ActionItems *ActionItems
}

// Stored documents of each kind.
type (
	MeetingDoc    = store.Doc[domain.Meeting]
	DecisionDoc   = store.Doc[domain.Decision]
	ActionItemDoc = store.Doc[domain.ActionItem]
)

// New returns the collections of db and creates their indexes.
func New(ctx context.Context, db *mongo.Database) (*Store, error) {
	m := store.NewCollection[domain.Meeting](db, "meetings")
	err := m.EnsureIndexes(ctx, store.Index{Name: "start_time", Keys: bson.D{
		{Key: "body.start_time", Value: -1}, {Key: "_id", Value: -1}}})
	if err != nil {
		return nil, err
	}
	d := store.NewCollection[domain.Decision](db, "decisions")
	err = d.EnsureIndexes(ctx, store.Index{Name: "meeting_create_time", Keys: bson.D{
		{Key: "body.meeting", Value: 1}, {Key: "create_time", Value: -1}, {Key: "_id", Value: -1}}})
	if err != nil {
		return nil, err
	}
	a := store.NewCollection[domain.ActionItem](db, "action_items")
	err = a.EnsureIndexes(ctx,
		store.Index{Name: "meeting", Keys: bson.D{{Key: "body.meeting", Value: 1}}},
		store.Index{Name: "decision", Keys: bson.D{{Key: "body.decision", Value: 1}}})
	if err != nil {
		return nil, err
	}
	return &Store{Meetings: &Meetings{m}, Decisions: &Decisions{d}, ActionItems: &ActionItems{a}}, nil
}
