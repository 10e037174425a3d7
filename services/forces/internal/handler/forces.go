package handler

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// CreateForce adds a force; a retry with the same request_id returns the first result.
func (h *Handler) CreateForce(ctx context.Context, req *forcesv1.CreateForceRequest) (*forcesv1.CreateForceResponse, error) {
	var v apperr.Violations
	validateForce(&v, "force", req.GetForce())
	validateID(&v, "force_id", req.GetForceId(), true)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	name := "forces/" + req.GetForceId()
	// A force owns its own record: only its operators create it.
	if err := access.Change(ctx, name, name); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.forces.Create(ctx, &forcesstore.ForceDoc{
		// A force owns its own record.
		Name: name, Owner: name,
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Body: forceFromProto(req.GetForce()),
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.CreateForceResponse{Force: forceToProto(d)}, nil
}

// GetForce returns one force.
func (h *Handler) GetForce(ctx context.Context, req *forcesv1.GetForceRequest) (*forcesv1.GetForceResponse, error) {
	d, err := getRecord(ctx, forceName, req.GetName(), h.forces.Collection)
	if err != nil {
		return nil, err
	}
	return &forcesv1.GetForceResponse{Force: forceToProto(d)}, nil
}

// ListForces lists the forces by name, a page at a time.
func (h *Handler) ListForces(ctx context.Context, req *forcesv1.ListForcesRequest) (*forcesv1.ListForcesResponse, error) {
	var v apperr.Violations
	p := h.readPage(&v, "forces", req.GetPageSize(), req.GetPageToken())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	docs, next, err := listed(ctx, h, p, store.NameOrder[domain.Force](), func(after *store.Cursor, limit int) ([]*forcesstore.ForceDoc, error) {
		return h.forces.List(ctx, after, limit)
	})
	if err != nil {
		return nil, err
	}
	resp := &forcesv1.ListForcesResponse{NextPageToken: next}
	for _, d := range docs {
		resp.Forces = append(resp.Forces, forceToProto(d))
	}
	return resp, nil
}

// checkForce answers NOT_FOUND unless the force exists.
func (h *Handler) checkForce(ctx context.Context, force string) error {
	ok, err := h.forces.Exists(ctx, force)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.NotFound(force)
	}
	return nil
}

// forceOfParent is the force a List request's parent limits it to: "" for every force.
func (h *Handler) forceOfParent(ctx context.Context, parent string) (string, error) {
	if parent == domain.AllForces {
		return "", nil
	}
	return parent, h.checkForce(ctx, parent)
}

func forceFromProto(in *forcesv1.Force) domain.Force {
	return domain.Force{DisplayName: localized.FromProto(in.GetDisplayName()), Authority: localized.FromProto(in.GetAuthority())}
}

func forceToProto(d *forcesstore.ForceDoc) *forcesv1.Force {
	return &forcesv1.Force{
		Name: d.Name, DisplayName: d.Body.DisplayName.ToProto(), Authority: optionalName(d.Body.Authority),
		CreateTime: timestamppb.New(d.CreateTime),
	}
}
