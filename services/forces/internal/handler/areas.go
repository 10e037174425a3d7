package handler

import (
	"context"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/shape"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// AreaServer implements AreaService over the handler's stores.
type AreaServer struct {
	forcesv1.UnimplementedAreaServiceServer
	h *Handler
}

// MaxAreaWindow bounds an area's validity window: an area drawn for longer is a
// mistake (an end year typed wrong), and is refused.
const MaxAreaWindow = 10 * 366 * 24 * time.Hour

var areaName = patternRule(resname.Area)

// CreateArea draws an area of responsibility for a unit.
func (s *AreaServer) CreateArea(ctx context.Context, req *forcesv1.CreateAreaRequest) (*forcesv1.CreateAreaResponse, error) {
	h := s.h
	var v apperr.Violations
	unitName.check(&v, "parent", req.GetParent(), false)
	validateID(&v, "area_id", req.GetAreaId(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	body := readArea(&v, "area", req.GetArea())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	name := domain.AreaName(req.GetParent(), recordID(req.GetAreaId(), "a"))
	body.Unit = req.GetParent()
	body.DrawnBy = drawer(ctx)
	d, err := createRecord(ctx, h, h.areas.Collection, domain.ForceOf(req.GetParent()), name, req, body, func(ctx context.Context) error {
		ok, err := h.units.Open(ctx, req.GetParent())
		if err == nil && !ok {
			err = apperr.NotFound(req.GetParent())
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &forcesv1.CreateAreaResponse{Area: areaToProto(d)}, nil
}

// drawer is who the caller is, for an area's history: their person name, or the
// subject of their token (a service, or a development identity).
func drawer(ctx context.Context) string {
	if p := reporter(ctx); p != "" {
		return p
	}
	return access.Caller(ctx).Subject
}

// readArea checks an area's client-written fields and returns its stored form.
func readArea(v *apperr.Violations, p string, in *forcesv1.Area) domain.Area {
	if in == nil {
		v.Add(p, "is required")
		return domain.Area{}
	}
	reqcheck.Text(v, p+".title", in.GetTitle(), reqcheck.MaxShortLen)
	reqcheck.Text(v, p+".notes", in.GetNotes(), reqcheck.MaxTextLen)
	start := timeField(v, p+".start_time", in.GetStartTime(), true)
	end := timeField(v, p+".end_time", in.GetEndTime(), false)
	if !start.IsZero() && !end.IsZero() {
		switch {
		case !end.After(start):
			v.Add(p+".end_time", "must be after start_time")
		case end.Sub(start) > MaxAreaWindow:
			v.Add(p+".end_time", "must be at most 10 years after start_time")
		}
	}
	g, ok := shape.Read(v, p, in.GetPolygon(), in.GetMultiPolygon(), in.GetGeojson())
	if !ok {
		return domain.Area{}
	}
	return domain.Area{Title: in.GetTitle(), Notes: in.GetNotes(), StartTime: start, EndTime: end,
		GeoJSON: shape.GeoJSON(g), Km2: shape.AreaKm2(g)}
}

// timeField reads a timestamp, reporting a missing required one or an invalid one.
func timeField(v *apperr.Violations, field string, ts *timestamppb.Timestamp, required bool) time.Time {
	switch {
	case ts == nil:
		if required {
			v.Add(field, "is required")
		}
		return time.Time{}
	case ts.CheckValid() != nil:
		v.Add(field, "is not a valid timestamp")
		return time.Time{}
	}
	return reqcheck.Stored(ts.AsTime())
}

// GetArea returns one area.
func (s *AreaServer) GetArea(ctx context.Context, req *forcesv1.GetAreaRequest) (*forcesv1.GetAreaResponse, error) {
	d, err := getRecord(ctx, areaName, req.GetName(), s.h.areas.Collection)
	if err != nil {
		return nil, err
	}
	return &forcesv1.GetAreaResponse{Area: areaToProto(d)}, nil
}

// ListAreas lists areas by name, optionally only those held at valid_time.
func (s *AreaServer) ListAreas(ctx context.Context, req *forcesv1.ListAreasRequest) (*forcesv1.ListAreasResponse, error) {
	h := s.h
	var v apperr.Violations
	// One unit's areas, a force's (its units "-") or every force's ("forces/-/units/-").
	force, unit := "", ""
	switch parent := req.GetParent(); {
	case parent == "":
		v.Add("parent", "is required")
	case parent == "forces/-/units/-":
	case strings.HasSuffix(parent, "/units/-") && resname.Matches(resname.Force, strings.TrimSuffix(parent, "/units/-")):
		force = strings.TrimSuffix(parent, "/units/-")
	case resname.Matches(resname.Unit, parent):
		force, unit = resname.Ancestor(parent, resname.Force), parent
	default:
		v.Add("parent", `must look like "forces/{force}/units/{unit}", "forces/{force}/units/-" or "forces/-/units/-"`)
	}
	at := timeField(&v, "valid_time", req.GetValidTime(), false)
	p := h.readPage(&v, listQuery(req.GetParent(), req.GetValidTime().String()), req.GetPageSize(), req.GetPageToken())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	page, next, err := listed(ctx, h, p, store.NameOrder[domain.Area](), func(after *store.Cursor, limit int) ([]*forcesstore.AreaDoc, error) {
		// The areas the caller may not read are left out before the page is cut, so a
		// page is full while there are more.
		return h.areas.List(ctx, force, unit, after, limit, func(d *forcesstore.AreaDoc) bool {
			return access.Read(ctx, d.Name, d.Owner) == nil && (at.IsZero() || d.Body.HeldAt(at))
		})
	})
	if err != nil {
		return nil, err
	}
	resp := &forcesv1.ListAreasResponse{NextPageToken: next}
	for _, d := range page {
		resp.Areas = append(resp.Areas, areaToProto(d))
	}
	return resp, nil
}

// EndArea sets the end of an area still held.
func (s *AreaServer) EndArea(ctx context.Context, req *forcesv1.EndAreaRequest) (*forcesv1.EndAreaResponse, error) {
	h := s.h
	var v apperr.Violations
	areaName.check(&v, "name", req.GetName(), false)
	end := timeField(&v, "end_time", req.GetEndTime(), false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	if end.IsZero() {
		end = reqcheck.Stored(h.now())
	}
	d, err := h.areas.UpdateAuthorized(ctx, store.Change{
		Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "ended",
	}, store.OwnerMayChange[domain.Area](ctx), func(d *forcesstore.AreaDoc) error {
		var v apperr.Violations
		switch {
		case !d.Body.EndTime.IsZero():
			return apperr.New(apperr.KindFailedPrecondition, "AREA_ENDED", "%s already ended at %s", d.Name, d.Body.EndTime.Format(time.RFC3339))
		case !end.After(d.Body.StartTime):
			v.Add("end_time", "must be after the area's start_time, %s", d.Body.StartTime.Format(time.RFC3339))
		case end.Sub(d.Body.StartTime) > MaxAreaWindow:
			v.Add("end_time", "must be at most 10 years after the area's start_time")
		}
		if err := v.Err(); err != nil {
			return err
		}
		d.Body.EndTime = end
		d.Body.EndedBy = drawer(ctx)
		return nil
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.EndAreaResponse{Area: areaToProto(d)}, nil
}

func areaToProto(d *forcesstore.AreaDoc) *forcesv1.Area {
	b := d.Body
	out := &forcesv1.Area{
		Name: d.Name, Title: b.Title, Geojson: b.GeoJSON, StartTime: timestamppb.New(b.StartTime), Notes: b.Notes,
		AreaKm2: b.Km2, Unit: b.Unit, DrawnBy: b.DrawnBy, EndedBy: b.EndedBy,
		CreateTime: timestamppb.New(d.CreateTime), UpdateTime: timestamppb.New(d.UpdateTime), Etag: d.Etag,
	}
	if !b.EndTime.IsZero() {
		out.EndTime = timestamppb.New(b.EndTime)
	}
	if g, err := shape.Parse(b.GeoJSON); err == nil {
		poly, multi := shape.ToProto(g)
		if poly != nil {
			out.Geometry = &forcesv1.Area_Polygon{Polygon: poly}
		} else {
			out.Geometry = &forcesv1.Area_MultiPolygon{MultiPolygon: multi}
		}
	}
	return out
}
