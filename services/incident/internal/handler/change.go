package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// change applies mutate to a stored incident for a caller allowed to change it: an
// operator of the force that owns it. The check is made inside the store's
// compare-and-swap, against the very version the write replaces, so an ownership check and
// the write cannot see different records; a refused call writes nothing. It comes before
// the etag and the incident's state are looked at, so a refused caller learns nothing from
// the answer. A retry of a request already applied is answered only to a caller who could
// have made it.
func (h *Handler) change(ctx context.Context, ch store.Change, mutate func(*domain.Incident) error) (*incidentstore.Doc, error) {
	etag := ch.Etag
	ch.Etag = "" // compared below, after the caller is known to be allowed
	authorized := false
	d, err := h.store.Update(ctx, ch, func(d *incidentstore.Doc) error {
		if err := access.Change(ctx, d.Name, d.Owner); err != nil {
			return err
		}
		authorized = true
		if etag != "" && etag != d.Etag {
			return apperr.EtagMismatch(d.Name)
		}
		return mutate(&d.Body)
	})
	if err != nil {
		return nil, err
	}
	if !authorized { // the store answered a retry without calling mutate
		if err := access.Change(ctx, d.Name, d.Owner); err != nil {
			return nil, err
		}
	}
	return d, nil
}
