package handler

import (
	"context"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// errorDomain is the google.rpc.ErrorInfo domain of this service's errors.
const errorDomain = "tansiq.incident"

// Handler implements IncidentService.
type Handler struct {
	incidentv1.UnimplementedIncidentServiceServer
	store  *incidentstore.Incidents
	tokens *pagetoken.Codec
	now    func() time.Time
}

// New returns the handler over the given store.
func New(s *incidentstore.Incidents, tokens *pagetoken.Codec) *Handler {
	return &Handler{store: s, tokens: tokens, now: time.Now}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) { incidentv1.RegisterIncidentServiceServer(s, h) }

// change applies mutate to a stored incident for a caller allowed to change it: an
// operator of the force that owns it, checked by the store inside its compare-and-swap.
func (h *Handler) change(ctx context.Context, ch store.Change, mutate func(*domain.Incident) error) (*incidentstore.Doc, error) {
	return h.store.UpdateAuthorized(ctx, ch, store.OwnerMayChange[domain.Incident](ctx),
		func(d *incidentstore.Doc) error { return mutate(&d.Body) })
}

func toStatus(err error) error { return apperr.ToStatus(err, errorDomain) }
