package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// CreateUnit adds a unit to a force; a retry with the same request_id returns the first result.
func (h *Handler) CreateUnit(ctx context.Context, req *forcesv1.CreateUnitRequest) (*forcesv1.CreateUnitResponse, error) {
	var v apperr.Violations
	forceName.check(&v, "parent", req.GetParent(), false)
	validateUnit(&v, "unit", req.GetUnit(), nil)
	validateID(&v, "unit_id", req.GetUnitId(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	id := req.GetUnitId()
	if id == "" {
		id = "u" + store.NewID()
	}
	name := domain.UnitName(req.GetParent(), id)
	u := unitFromProto(req.GetUnit())
	// The unit belongs to the force it is created in: only that force's operators add it.
	if err := access.Change(ctx, name, req.GetParent()); err != nil {
		return nil, toStatus(err)
	}
	h.refs.Lock()
	defer h.refs.Unlock()
	if err := h.checkForce(ctx, req.GetParent()); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.units.CreateChecked(ctx, &forcesstore.UnitDoc{
		Name: name, Owner: req.GetParent(),
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Body: u,
	}, func(ctx context.Context) error { return h.checkUnit(ctx, name, &u, nil) })
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.CreateUnitResponse{Unit: unitToProto(d)}, nil
}

// checkUnit checks the rules a unit's final state must follow, for the fields in paths
// (nil: all): readiness has its reason, the parent keeps the hierarchy one force and
// acyclic, the commander is a person of the same force. Call it holding h.refs.
func (h *Handler) checkUnit(ctx context.Context, name string, u *domain.Unit, paths map[string]bool) error {
	has := func(f string) bool { return paths == nil || paths[f] }
	if has("readiness") || has("readiness_reason") {
		if err := u.CheckReadiness("unit.readiness_reason"); err != nil {
			return err
		}
	}
	if has("parent_unit") {
		if err := domain.CheckParent(ctx, "unit.parent_unit", name, u.ParentUnit, h.units.ParentOf); err != nil {
			return err
		}
	}
	if has("commander") {
		return domain.CheckReference(ctx, "unit.commander", u.Commander, domain.ForceOf(name), h.people.Exists)
	}
	return nil
}

// GetUnit returns one unit.
func (h *Handler) GetUnit(ctx context.Context, req *forcesv1.GetUnitRequest) (*forcesv1.GetUnitResponse, error) {
	var v apperr.Violations
	unitName.check(&v, "name", req.GetName(), false)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := h.units.Get(ctx, req.GetName())
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.GetUnitResponse{Unit: visibleUnit(ctx, d)}, nil
}

// ListUnits lists the units of one force or of all, by name, a page at a time.
func (h *Handler) ListUnits(ctx context.Context, req *forcesv1.ListUnitsRequest) (*forcesv1.ListUnitsResponse, error) {
	var v apperr.Violations
	listParent.check(&v, "parent", req.GetParent(), false)
	conds, err := unitSchema.Check(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := listQuery(req.GetParent(), req.GetFilter())
	var after nameCursor
	h.decodeToken(&v, query, req.GetPageToken(), &after)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	force, err := h.forceOfParent(ctx, req.GetParent())
	if err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.units.List(ctx, force, conds, after.Name, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	docs, next, err := namePage(h, query, docs, size)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &forcesv1.ListUnitsResponse{NextPageToken: next}
	for _, d := range readable(ctx, docs) {
		resp.Units = append(resp.Units, visibleUnit(ctx, d))
	}
	return resp, nil
}

// UpdateUnit changes the fields named in the mask, if the etag (when given) matches.
func (h *Handler) UpdateUnit(ctx context.Context, req *forcesv1.UpdateUnitRequest) (*forcesv1.UpdateUnitResponse, error) {
	var v apperr.Violations
	unitName.check(&v, "unit.name", req.GetUnit().GetName(), false)
	paths := fieldmask.Check(&v, req.GetUpdateMask().GetPaths(), unitPaths)
	if len(paths) > 0 {
		validateUnit(&v, "unit", req.GetUnit(), paths)
	}
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	patch := unitFromProto(req.GetUnit())
	h.refs.Lock()
	defer h.refs.Unlock()
	d, err := h.units.UpdateAuthorized(ctx, store.Change{
		Name: req.GetUnit().GetName(), Etag: req.GetUnit().GetEtag(),
		RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "updated",
	}, store.OwnerMayChange[domain.Unit](ctx), func(d *forcesstore.UnitDoc) error {
		fieldmask.Apply(&d.Body, patch, paths, unitPaths)
		return h.checkUnit(ctx, d.Name, &d.Body, paths)
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.UpdateUnitResponse{Unit: unitToProto(d)}, nil
}

// DeleteUnit deletes a unit no sub-unit or person depends on.
func (h *Handler) DeleteUnit(ctx context.Context, req *forcesv1.DeleteUnitRequest) (*forcesv1.DeleteUnitResponse, error) {
	var v apperr.Violations
	unitName.check(&v, "name", req.GetName(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	// By its name first: the store answers a retry of a deletion already done without
	// looking at the (gone) record, and another force must not get that answer.
	if err := access.Change(ctx, req.GetName(), domain.ForceOf(req.GetName())); err != nil {
		return nil, toStatus(err)
	}
	h.refs.Lock()
	defer h.refs.Unlock()
	err := h.units.Remove(ctx, store.Removal{
		Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req),
	}, func(d *forcesstore.UnitDoc) error {
		child, err := h.units.AChild(ctx, d.Name)
		if err != nil {
			return err
		}
		member, err := h.people.AMember(ctx, d.Name)
		if err != nil {
			return err
		}
		return domain.CheckUnitRemovable(d.Name, child, member)
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.DeleteUnitResponse{}, nil
}
