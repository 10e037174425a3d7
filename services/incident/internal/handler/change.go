package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// change applies mutate to a stored incident for a caller allowed to change it: an
// operator of the force that owns it, checked by the store inside its compare-and-swap.
func (h *Handler) change(ctx context.Context, ch store.Change, mutate func(*domain.Incident) error) (*incidentstore.Doc, error) {
	return h.store.UpdateAuthorized(ctx, ch, store.OwnerMayChange[domain.Incident](ctx),
		func(d *incidentstore.Doc) error { return mutate(&d.Body) })
}
