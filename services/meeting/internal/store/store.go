// Package store keeps meetings, decisions and action items in the service's own database
// through platform/store: each is a collection with its change log, and every Get and List
// is answered from this process's cache of it (the orders and equality indexes the List
// methods walk are declared here); the store itself is touched by _id only. Writes are
// compare-and-swaps on the log, so replicas on one store never lose each other's changes.
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

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
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

// New returns the collections of db with the orders and indexes their lists use; Load
// them before serving.
func New(db *mongo.Database) *Store {
	return &Store{Meetings: newMeetings(db), Decisions: newDecisions(db), ActionItems: newActionItems(db)}
}

// Load reads every collection into this process's cache and starts following its log:
// the server reports healthy only after it.
func (s *Store) Load(ctx context.Context) error {
	for _, load := range []func(context.Context) error{s.Meetings.Load, s.Decisions.Load, s.ActionItems.Load} {
		if err := load(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Replayed reports whether d already took the change made by requestID, so a handler
// answers a retry from what is stored before asking the forces service anything (AIP-155:
// even while it is down); REQUEST_ID_REUSED when a different request used the id.
// store.Collection.Update makes the same check again inside its compare-and-swap.
func Replayed[T any](d *store.Doc[T], requestID, hash string) (bool, error) {
	if requestID == "" {
		return false, nil
	}
	for _, a := range d.Applied {
		if a.RequestID == requestID {
			if a.RequestHash != hash {
				return false, apperr.RequestIDReused(requestID)
			}
			return true, nil
		}
	}
	return false, nil
}
