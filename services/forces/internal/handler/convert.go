package handler

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/types"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

func forceFromProto(in *forcesv1.Force) domain.Force {
	return domain.Force{DisplayName: types.NameFromProto(in.GetDisplayName()), Authority: types.NameFromProto(in.GetAuthority())}
}

func forceToProto(d *forcesstore.ForceDoc) *forcesv1.Force {
	return &forcesv1.Force{
		Name: d.Name, DisplayName: d.Body.DisplayName.ToProto(), Authority: optionalName(d.Body.Authority),
		CreateTime: timestamppb.New(d.CreateTime),
	}
}

// unitFromProto converts the client-writable fields of a unit.
func unitFromProto(in *forcesv1.Unit) domain.Unit {
	u := domain.Unit{
		DisplayName:     types.NameFromProto(in.GetDisplayName()),
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
		p := types.PlaceFromProto(in.GetHomeBase())
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

// positionFromProto converts the client-writable fields of a report.
func positionFromProto(in *forcesv1.UnitPosition) domain.Position {
	return domain.Position{Place: types.PlaceFromProto(in.GetPlace()), ReportTime: in.GetReportTime().AsTime().UTC(), Note: in.GetNote()}
}

func positionToProto(p domain.Position) *forcesv1.UnitPosition {
	return &forcesv1.UnitPosition{
		Place: p.Place.ToProto(), ReportTime: timestamppb.New(p.ReportTime), ReceiveTime: timestamppb.New(p.ReceiveTime),
		Reporter: p.Reporter, Note: p.Note,
	}
}

// personFromProto converts the client-writable fields of a person.
func personFromProto(in *forcesv1.Person) domain.Person {
	return domain.Person{
		DisplayName: types.NameFromProto(in.GetDisplayName()), Rank: in.GetRank(),
		Role: types.NameFromProto(in.GetRole()), Unit: in.GetUnit(),
	}
}

func personToProto(d *forcesstore.PersonDoc) *forcesv1.Person {
	p := d.Body
	return &forcesv1.Person{
		Name: d.Name, DisplayName: optionalName(p.DisplayName), Rank: p.Rank, Role: optionalName(p.Role), Unit: p.Unit,
		Force: domain.ForceOf(d.Name), CreateTime: timestamppb.New(d.CreateTime), UpdateTime: timestamppb.New(d.UpdateTime),
		Etag: d.Etag,
	}
}

// optionalName leaves a name that was never given unset, as the API documents for a person
// known only by role.
func optionalName(n types.LocalizedName) *typev1.LocalizedName {
	if !domain.Known(n) && len(n.Aliases) == 0 {
		return nil
	}
	return n.ToProto()
}
