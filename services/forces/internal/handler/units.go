package handler

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// unitKind is how units are created and updated.
func (h *Handler) unitKind() kind[domain.Unit, *forcesv1.Unit] {
	return kind[domain.Unit, *forcesv1.Unit]{coll: h.units.Collection, field: "unit", idPrefix: "u", nameOf: domain.UnitName,
		rule: unitName, setters: unitPaths, validate: validateUnit, fromProto: unitFromProto, check: h.checkUnit}
}

// CreateUnit adds a unit to a force; a retry with the same request_id returns the first result.
func (h *Handler) CreateUnit(ctx context.Context, req *forcesv1.CreateUnitRequest) (*forcesv1.CreateUnitResponse, error) {
	d, err := h.unitKind().create(ctx, h, req.GetParent(), req.GetUnitId(), req.GetUnit(), req)
	if err != nil {
		return nil, err
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
		return domain.CheckReference(ctx, "unit.commander", u.Commander, domain.ForceOf(name), h.people.Open)
	}
	return nil
}

// GetUnit returns one unit.
func (h *Handler) GetUnit(ctx context.Context, req *forcesv1.GetUnitRequest) (*forcesv1.GetUnitResponse, error) {
	d, err := getRecord(ctx, unitName, req.GetName(), h.units.Collection)
	if err != nil {
		return nil, err
	}
	return &forcesv1.GetUnitResponse{Unit: visibleUnit(ctx, d)}, nil
}

// ListUnits lists the units of one force or of all, in the order asked (by name by
// default), a page at a time.
func (h *Handler) ListUnits(ctx context.Context, req *forcesv1.ListUnitsRequest) (*forcesv1.ListUnitsResponse, error) {
	docs, next, err := listRecords(ctx, h, req, req.GetFilter(), req.GetOrderBy(), forcesstore.UnitSchema, forcesstore.UnitSorts, h.units.List)
	if err != nil {
		return nil, err
	}
	resp := &forcesv1.ListUnitsResponse{NextPageToken: next}
	for _, d := range docs {
		resp.Units = append(resp.Units, visibleUnit(ctx, d))
	}
	return resp, nil
}

// BatchGetUnits returns the named units, and the names that are not units (unknown or
// malformed), each once, in the order first named.
func (h *Handler) BatchGetUnits(ctx context.Context, req *forcesv1.BatchGetUnitsRequest) (*forcesv1.BatchGetUnitsResponse, error) {
	found, missing, err := batchRecords(ctx, req.GetNames(), unitName.valid, h.units.BatchGet)
	if err != nil {
		return nil, err
	}
	resp := &forcesv1.BatchGetUnitsResponse{MissingNames: missing}
	for _, d := range found {
		resp.Units = append(resp.Units, visibleUnit(ctx, d))
	}
	return resp, nil
}

// unitPaths lists the update_mask paths UpdateUnit accepts. The position changes only
// through ReportUnitPosition; the force never changes.
var unitPaths = map[string]func(dst *domain.Unit, src domain.Unit){
	"display_name":     func(d *domain.Unit, s domain.Unit) { d.DisplayName = s.DisplayName },
	"echelon":          func(d *domain.Unit, s domain.Unit) { d.Echelon = s.Echelon },
	"parent_unit":      func(d *domain.Unit, s domain.Unit) { d.ParentUnit = s.ParentUnit },
	"commander":        func(d *domain.Unit, s domain.Unit) { d.Commander = s.Commander },
	"home_base":        func(d *domain.Unit, s domain.Unit) { d.HomeBase = s.HomeBase },
	"strength":         func(d *domain.Unit, s domain.Unit) { d.Strength = s.Strength },
	"readiness":        func(d *domain.Unit, s domain.Unit) { d.Readiness = s.Readiness },
	"readiness_reason": func(d *domain.Unit, s domain.Unit) { d.ReadinessReason = s.ReadinessReason },
	"symbol_code":      func(d *domain.Unit, s domain.Unit) { d.SymbolCode = s.SymbolCode },
	"position_release": func(d *domain.Unit, s domain.Unit) { d.PositionRelease = s.PositionRelease },
}

// UpdateUnit changes the fields named in the mask, if the etag (when given) matches.
func (h *Handler) UpdateUnit(ctx context.Context, req *forcesv1.UpdateUnitRequest) (*forcesv1.UpdateUnitResponse, error) {
	d, err := h.unitKind().update(ctx, h, req.GetUnit(), req.GetUpdateMask().GetPaths(), req)
	if err != nil {
		return nil, err
	}
	return &forcesv1.UpdateUnitResponse{Unit: unitToProto(d)}, nil
}

// DeleteUnit deletes a unit no sub-unit, person, TAK binding or area names.
func (h *Handler) DeleteUnit(ctx context.Context, req *forcesv1.DeleteUnitRequest) (*forcesv1.DeleteUnitResponse, error) {
	err := deleteRecord(ctx, h, unitName, req.GetName(), req.GetEtag(), req, func(ctx context.Context, r store.Removal) error {
		return h.units.RemoveFenced(ctx, r, h.unitRefs)
	})
	if err != nil {
		return nil, err
	}
	// Its history goes with it, after it: a crash in between leaves reports that a retry
	// of the deletion (same request_id) removes.
	if err := h.positions.RemoveOf(ctx, req.GetName()); err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.DeleteUnitResponse{}, nil
}

// unitFromProto converts the client-writable fields of a unit.
func unitFromProto(in *forcesv1.Unit) domain.Unit {
	u := domain.Unit{
		DisplayName:     localized.FromProto(in.GetDisplayName()),
		Echelon:         in.GetEchelon().String(),
		ParentUnit:      in.GetParentUnit(),
		Commander:       in.GetCommander(),
		Strength:        domain.Strength{Authorized: in.GetStrength().GetAuthorized(), Present: in.GetStrength().GetPresent()},
		Readiness:       in.GetReadiness().String(),
		ReadinessReason: in.GetReadinessReason(),
		SymbolCode:      in.GetSymbolCode(),
		PositionRelease: domain.PositionReleasable,
	}
	if in.GetPositionRelease() == forcesv1.PositionRelease_POSITION_RELEASE_WITHHELD {
		u.PositionRelease = domain.PositionWithheld
	}
	if in.GetHomeBase() != nil {
		p := place.PlaceFromProto(in.GetHomeBase())
		u.HomeBase = &p
	}
	return u
}

// unitToProto converts a stored unit; its history is served by ListUnitPositions only.
func unitToProto(d *forcesstore.UnitDoc) *forcesv1.Unit {
	u := d.Body
	out := &forcesv1.Unit{
		Name:            d.Name,
		DisplayName:     u.DisplayName.ToProto(),
		Echelon:         forcesv1.Echelon(forcesv1.Echelon_value[u.Echelon]),
		ParentUnit:      u.ParentUnit,
		Commander:       u.Commander,
		Strength:        &forcesv1.UnitStrength{Authorized: u.Strength.Authorized, Present: u.Strength.Present},
		Readiness:       forcesv1.Readiness(forcesv1.Readiness_value[u.Readiness]),
		ReadinessReason: u.ReadinessReason,
		SymbolCode:      u.SymbolCode,
		Force:           domain.ForceOf(d.Name),
		CreateTime:      timestamppb.New(d.CreateTime),
		UpdateTime:      timestamppb.New(d.UpdateTime),
		Etag:            d.Etag,
		PositionRelease: forcesv1.PositionRelease_POSITION_RELEASE_RELEASABLE,
	}
	if u.PositionsWithheld() {
		out.PositionRelease = forcesv1.PositionRelease_POSITION_RELEASE_WITHHELD
	}
	if u.HomeBase != nil {
		out.HomeBase = u.HomeBase.ToProto()
	}
	if u.LastPosition != nil {
		out.LastPosition = positionToProto(*u.LastPosition)
	}
	return out
}
