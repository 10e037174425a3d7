package store

import (
	"context"

	"github.com/tansiq/tansiq/platform/store"
)

// Tune sets the followers' timing of every collection (the tests shorten the poll); call
// it before Load.
func (s *Store) Tune(t store.Timing) {
	s.Meetings.Tune(t)
	s.Decisions.Tune(t)
	s.ActionItems.Tune(t)
}

// Close stops the collections' followers.
func (s *Store) Close() {
	ctx := context.Background()
	s.Meetings.Close(ctx)
	s.Decisions.Close(ctx)
	s.ActionItems.Close(ctx)
}
