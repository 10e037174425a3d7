package handler

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/resname"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// errorDomain is the google.rpc.ErrorInfo domain of this service's errors.
const errorDomain = "tansiq.forces"

// Handler implements ForcesService.
type Handler struct {
	forcesv1.UnimplementedForcesServiceServer
	forces *forcesstore.Forces
	units  *forcesstore.Units
	people *forcesstore.People
	areas  *forcesstore.Areas
	tak    *forcesstore.TakBindings
	// positions are the units' report histories.
	positions *forcesstore.Positions
	// unitRefs are the collections whose records may name a unit besides the units.
	unitRefs forcesstore.UnitReferrers
	tokens   *pagetoken.Codec
	now      func() time.Time
	// refs serialises, in this process, the writes that check references between records
	// (a unit's parent and commander, a person's unit, a TAK binding's unit, an area's
	// unit) with the writes that could break them (re-parenting, deletes). Across replicas
	// the rules hold without it: one within a collection (a unit's parent exists and makes
	// no cycle; a deleted unit has no sub-unit) is checked inside the store's
	// compare-and-swap, one between two collections (a person's, a binding's or an area's
	// unit, a unit's commander) also through a fence of the referrers' logs
	// (store.Units.RemoveFenced). Within a process the store decides
	// concurrent updates of distinct records of one collection together, on one state
	// (platform/store group commit), so two re-parentings could each miss the other.
	refs sync.Mutex
}

// New returns the handler over the given store.
func New(s *forcesstore.Store, tokens *pagetoken.Codec) *Handler {
	return &Handler{forces: s.Forces, units: s.Units, people: s.People, areas: s.Areas, tak: s.TakBindings, positions: s.Positions,
		unitRefs: s.UnitReferrers(), tokens: tokens, now: time.Now}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) {
	forcesv1.RegisterForcesServiceServer(s, h)
	forcesv1.RegisterAreaServiceServer(s, &AreaServer{h: h})
}

// reporter is the person calling, when the caller is a person: position reports record it.
func reporter(ctx context.Context) string {
	id, ok := auth.FromContext(ctx)
	if !ok || id.IsService() || !resname.Matches(resname.Person, id.Subject) {
		return ""
	}
	return id.Subject
}

func toStatus(err error) error { return apperr.ToStatus(err, errorDomain) }
