package store

import (
	"context"
	"errors"

	"github.com/tansiq/tansiq/platform/store"
)

// ErrUnchanged is returned by a mutate function that found nothing to change. Update then
// writes nothing and returns the stored document as it is, so a repeated idempotent call
// (acknowledging twice) keeps the record's etag and update time.
var ErrUnchanged = errors.New("nothing to change")

// update is store.Collection.Update honouring ErrUnchanged.
func update[T any](ctx context.Context, c *store.Collection[T], ch store.Change, mutate func(*store.Doc[T]) error) (*store.Doc[T], error) {
	d, err := c.Update(ctx, ch, mutate)
	if errors.Is(err, ErrUnchanged) {
		return c.Get(ctx, ch.Name)
	}
	return d, err
}
