package coverage

import (
	"context"
	"errors"
	"slices"

	"github.com/peterstace/simplefeatures/geom"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/vacuum"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/shape"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// maxVacuumIncidents bounds the incidents a vacuum lists.
const maxVacuumIncidents = 100

// maxAreaPages bounds the pages of units' areas read for one call (500 a page).
const maxAreaPages = 20

// AreaLister lists the units' areas of responsibility: the forces service's AreaService.
type AreaLister interface {
	ListAreas(ctx context.Context, in *forcesv1.ListAreasRequest, opts ...grpc.CallOption) (*forcesv1.ListAreasResponse, error)
}

// cover is the areas that cover incidents: every unit's area of responsibility and the
// areas of the deployments in force, on the plane, each with the window it was held.
type cover struct {
	areas []vacuum.Area
}

// covers reports whether the placed incident's point lay in an area held when it
// happened.
func (c cover) covers(p placement.Placement) bool {
	if len(c.areas) == 0 {
		return false
	}
	return vacuum.Covered(shape.ProjectPoint(p.Place.Point.Lat, p.Place.Point.Lng), c.areas, p.OccurTime)
}

// cover gathers the units' areas (when a forces service is configured) and the areas
// of the deployments among deps.
func (h *Handler) cover(ctx context.Context, deps []*deployments.Doc) (cover, error) {
	var c cover
	if h.cfg.Areas != nil {
		tok := ""
		for page := 0; ; page++ {
			if page == maxAreaPages {
				return cover{}, apperr.New(apperr.KindFailedPrecondition, "TOO_MANY_AREAS",
					"more than %d areas of responsibility: end the ones no longer held", maxAreaPages*500)
			}
			resp, err := h.cfg.Areas.ListAreas(ctx, &forcesv1.ListAreasRequest{Parent: "forces/-/units/-", PageSize: 500, PageToken: tok})
			if err != nil {
				return cover{}, forcesError(err)
			}
			for _, a := range resp.GetAreas() {
				g, err := shape.Parse(a.GetGeojson())
				if err != nil {
					h.cfg.Log.Warn("area of responsibility skipped: its shape does not parse", "area", a.GetName(), "err", err)
					continue
				}
				va := vacuum.Area{Name: a.GetName(), Shape: shape.Project(g), Start: a.GetStartTime().AsTime()}
				if a.GetEndTime() != nil {
					va.End = a.GetEndTime().AsTime()
				}
				c.areas = append(c.areas, va)
			}
			if tok = resp.GetNextPageToken(); tok == "" {
				break
			}
		}
	}
	for _, d := range deps {
		if d.Body.Area == nil || !deployments.InForce(d) {
			continue
		}
		g, err := shape.Parse(d.Body.Area.GeoJSON)
		if err != nil {
			return cover{}, apperr.Internal(err)
		}
		c.areas = append(c.areas, vacuum.Area{Name: d.Name, Shape: shape.Project(g), Start: d.Body.StartTime, End: d.Body.EndTime})
	}
	return c, nil
}

// forcesError maps a failed call to the forces service: the caller's own refusal passes
// through; anything else is UNAVAILABLE, which a retry may fix.
func forcesError(err error) error {
	st := status.Convert(err)
	switch st.Code() {
	case codes.Unauthenticated, codes.PermissionDenied:
		return err
	}
	return apperr.Unavailable("forces service", errors.New(st.Code().String()+": "+st.Message()))
}

// GetSecurityVacuum returns the part of a zone no area covers at the window's end, the
// window's incidents that fell in the vacuum at their time, and what proposals would close.
func (h *Handler) GetSecurityVacuum(ctx context.Context, req *gatewayv1.GetSecurityVacuumRequest) (*gatewayv1.GetSecurityVacuumResponse, error) {
	var v apperr.Violations
	resname.Check(&v, "zone", req.GetZone(), resname.Zone)
	from, to := reqcheck.Window(&v, "start_time", "end_time", req.GetStartTime(), req.GetEndTime(), h.now())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	vac, err := h.vacuum(ctx, req.GetZone(), assess.Window{From: from, To: to})
	if err != nil {
		return nil, toStatus(err)
	}
	return &gatewayv1.GetSecurityVacuumResponse{Vacuum: vac}, nil
}

func (h *Handler) vacuum(ctx context.Context, zone string, w assess.Window) (*gatewayv1.SecurityVacuum, error) {
	e, ok := h.cfg.Catalog.Get(zone)
	if !ok {
		return nil, apperr.NotFound(zone)
	}
	zg, err := shape.Parse(e.Doc.Body.GeoJSON)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	zp := shape.Project(zg)
	data, err := h.load(ctx, []string{zone}, w)
	if err != nil {
		return nil, err
	}
	// A deployment of the zone without an area of its own covers the whole zone.
	areas := slices.Clone(data.cover.areas)
	var proposed []*deployments.Doc
	for _, d := range data.deployments[zone] {
		switch {
		case d.Body.State == deployments.StateProposed:
			if dw := deployments.WindowOf(&d.Body); !w.To.Before(dw.Start) && (dw.End.IsZero() || w.To.Before(dw.End)) {
				proposed = append(proposed, d)
			}
		case d.Body.Area == nil && deployments.InForce(d):
			areas = append(areas, vacuum.Area{Name: d.Name, Shape: zp, Start: d.Body.StartTime, End: d.Body.EndTime})
		}
	}
	res, err := vacuum.Compute(zp, areas, w.To)
	if tc := (*vacuum.TooComplexError)(nil); errors.As(err, &tc) {
		return nil, apperr.New(apperr.KindFailedPrecondition, "VACUUM_TOO_COMPLEX", "%v", tc)
	}
	if err != nil {
		return nil, apperr.Internal(err)
	}
	level, reason := h.cfg.Placer.Threat(zone, w.To)
	out := &gatewayv1.SecurityVacuum{
		Zone:          zone,
		VacuumTime:    timestamppb.New(w.To),
		StartTime:     timestamppb.New(w.From),
		Geojson:       shape.GeoJSON(shape.Unproject(res.Vacuum)),
		VacuumAreaKm2: vacuum.AreaKm2(res.Vacuum),
		ZoneAreaKm2:   vacuum.AreaKm2(zp),
		CoveringAreas: res.Covering,
		ThreatLevel:   gatewayv1.ThreatLevel(level),
		ThreatReason:  reason,
	}
	zdeps := coverageDeployments(data.deployments[zone])
	for _, p := range data.incidents[zone] {
		if !w.Contains(p.OccurTime) {
			continue
		}
		if Covered(zone, p, data.cover.covers(p), zdeps, w) {
			out.CoveredIncidentCount++
		}
	}
	for i, p := range uncoveredIn(zone, data.incidents[zone], data.cover, zdeps, w) {
		if i == maxVacuumIncidents {
			break
		}
		out.VacuumIncidents = append(out.VacuumIncidents, summary(p, false))
	}
	for _, d := range proposed {
		closure, err := closes(res.Vacuum, zp, d)
		if err != nil {
			return nil, err
		}
		out.ProposedClosures = append(out.ProposedClosures, closure)
	}
	return out, nil
}

// closes measures how much of the vacuum (on the plane) the proposed deployment would cover.
func closes(vac, zone geom.Geometry, d *deployments.Doc) (*gatewayv1.VacuumClosure, error) {
	shapeOf := zone
	if d.Body.Area != nil {
		g, err := shape.Parse(d.Body.Area.GeoJSON)
		if err != nil {
			return nil, apperr.Internal(err)
		}
		shapeOf = shape.Project(g)
	}
	left, err := geom.Difference(vac, shapeOf)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	before, after := vacuum.AreaKm2(vac), vacuum.AreaKm2(left)
	return &gatewayv1.VacuumClosure{Deployment: d.Name, ClosedAreaKm2: before - after, RemainingAreaKm2: after}, nil
}
