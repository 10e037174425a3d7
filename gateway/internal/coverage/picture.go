package coverage

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// allZones is the zone argument that stands for every zone.
const allZones = "zones/-"

// maxRecentIncidents bounds the incidents one zone's picture lists.
const maxRecentIncidents = 50

// DegradedHeader is the response header set when a picture was made without something it
// normally shows, e.g. "meeting" when the meeting service could not be reached for
// action items. Its value names what is missing.
const DegradedHeader = "tansiq-degraded"

// GetOperationalPicture returns the pictures of one zone or of every zone, a page at a time.
func (h *Handler) GetOperationalPicture(ctx context.Context, req *gatewayv1.GetOperationalPictureRequest) (*gatewayv1.GetOperationalPictureResponse, error) {
	var v apperr.Violations
	now := h.now()
	validateZoneArg(&v, "zone", req.GetZone())
	from, to := reqcheck.Window(&v, "start_time", "end_time", req.GetStartTime(), req.GetEndTime(), now)
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := "picture:" + req.GetZone() + "|" + req.GetStartTime().String() + "|" + req.GetEndTime().String()
	var after string
	if tok := req.GetPageToken(); tok != "" {
		var pos struct {
			Zone string `json:"z"`
		}
		if err := h.cfg.Tokens.Decode(query, tok, &pos); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
		after = pos.Zone
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	// The position is taken before the pictures are made, so a change made meanwhile is
	// delivered to a watch from it, not lost.
	resume, err := h.cfg.Changes.Position(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	entries, err := h.watched(req.GetZone())
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &gatewayv1.GetOperationalPictureResponse{ResumeToken: resume, StartTime: timestamppb.New(from), EndTime: timestamppb.New(to)}
	var page []*zones.Entry
	for _, e := range entries {
		if e.Doc.Name <= after {
			continue
		}
		if len(page) == size {
			tok, err := h.cfg.Tokens.Encode(query, struct {
				Zone string `json:"z"`
			}{page[size-1].Doc.Name})
			if err != nil {
				return nil, toStatus(apperr.Internal(err))
			}
			resp.NextPageToken = tok
			break
		}
		page = append(page, e)
	}
	items, ok := h.actionItems(ctx, req.GetZone())
	if !ok {
		_ = grpc.SetHeader(ctx, metadata.Pairs(DegradedHeader, "meeting"))
	}
	resp.ZonePictures, err = h.pictures(ctx, page, assess.Window{From: from, To: to}, now, items)
	if err != nil {
		return nil, toStatus(err)
	}
	return resp, nil
}

func validateZoneArg(v *apperr.Violations, field, zone string) {
	if zone != allZones {
		resname.Check(v, field, zone, resname.Zone)
	}
}

// watched returns the zones a zone argument names: one, or every zone by name.
func (h *Handler) watched(zone string) ([]*zones.Entry, error) {
	if zone == allZones {
		return h.cfg.Catalog.List(), nil
	}
	e, ok := h.cfg.Catalog.Get(zone)
	if !ok {
		return nil, apperr.NotFound(zone)
	}
	return []*zones.Entry{e}, nil
}

// pictures makes the pictures of the given zones over w, with their open action items.
func (h *Handler) pictures(ctx context.Context, entries []*zones.Entry, w assess.Window, now time.Time, items map[string][]*meetingv1.ActionItem) ([]*gatewayv1.ZonePicture, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Doc.Name
	}
	data, err := h.load(ctx, names, w)
	if err != nil {
		return nil, err
	}
	gaps := map[string]*gatewayv1.CoverageGap{}
	for _, g := range h.gapsOf(names, data, w, now) {
		gaps[g.GetZone()] = g
	}
	out := make([]*gatewayv1.ZonePicture, len(entries))
	for i, e := range entries {
		out[i] = h.picture(e, data, gaps[e.Doc.Name], w, now, items[e.Doc.Name])
	}
	return out, nil
}

// picture makes one zone's picture from the data loaded for it.
func (h *Handler) picture(e *zones.Entry, data zoneData, gap *gatewayv1.CoverageGap, w assess.Window, now time.Time, items []*meetingv1.ActionItem) *gatewayv1.ZonePicture {
	name := e.Doc.Name
	level, reason := h.cfg.Placer.Threat(name, w.To)
	p := &gatewayv1.ZonePicture{
		Zone:            name,
		ZoneDisplayName: e.Doc.Body.DisplayName.ToProto(),
		ZoneKind:        gatewayv1.ZoneKind(gatewayv1.ZoneKind_value[e.Doc.Body.Kind]),
		ThreatLevel:     gatewayv1.ThreatLevel(level),
		ThreatReason:    reason,
		CoverageGap:     gap,
		OpenActionItems: items,
	}
	changed := e.Doc.UpdateTime
	deps := data.deployments[name]
	cdeps := coverageDeployments(deps)
	incs := slices.Clone(data.incidents[name])
	slices.SortFunc(incs, func(a, b placement.Placement) int {
		return cmp.Or(b.OccurTime.Compare(a.OccurTime), cmp.Compare(a.Name, b.Name))
	})
	for i, pl := range incs {
		changed = later(changed, pl.PlaceTime)
		if i < maxRecentIncidents {
			p.RecentIncidents = append(p.RecentIncidents, summary(pl, Covered(name, pl, data.cover.covers(pl), cdeps, w)))
		}
	}
	for _, d := range deps {
		if !overlaps(d, w) {
			continue
		}
		switch {
		case deployments.InForce(d):
			p.ActiveDeployments = append(p.ActiveDeployments, deployments.ToProto(d, now))
		case d.Body.State == deployments.StateProposed:
			p.ProposedDeployments = append(p.ProposedDeployments, deployments.ToProto(d, now))
		default:
			continue
		}
		changed = later(changed, d.UpdateTime)
	}
	p.UpdateTime = timestamppb.New(changed)
	return p
}

// overlaps reports whether d's window overlaps w.
func overlaps(d *deployments.Doc, w assess.Window) bool {
	_, ok := deployments.WindowOf(&d.Body).Overlap(deployments.Window{Start: w.From, End: w.To})
	return ok
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// summary is the part of a placed incident the picture shows.
func summary(p placement.Placement, covered bool) *gatewayv1.IncidentSummary {
	return &gatewayv1.IncidentSummary{
		Name:       p.Name,
		Title:      p.Title,
		Kind:       incidentv1.IncidentKind(incidentv1.IncidentKind_value[p.Kind]),
		OccurTime:  timestamppb.New(p.OccurTime),
		Place:      p.Place.ToProto(),
		Casualties: p.Casualties,
		State:      incidentv1.IncidentState(incidentv1.IncidentState_value[p.State]),
		Covered:    covered,
	}
}
