package coverage

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// maxGapIncidents bounds the incidents a gap lists.
const maxGapIncidents = 100

// halfLife is the age at which an incident weighs half as much in a gap's score.
const halfLife = 7 * 24 * time.Hour

// gapPosition is where a page of gaps ends: the rank key of its last gap.
type gapPosition struct {
	Score float64 `json:"s"`
	Zone  string  `json:"z"`
}

// ranksBefore is the order of gaps: highest score first, then by zone.
func ranksBefore(a, b gapPosition) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Zone < b.Zone
}

// ListCoverageGaps lists the zones with uncovered incidents in the window, most exposed first.
func (h *Handler) ListCoverageGaps(ctx context.Context, req *gatewayv1.ListCoverageGapsRequest) (*gatewayv1.ListCoverageGapsResponse, error) {
	var v apperr.Violations
	now := h.now()
	from, to := reqcheck.Window(&v, "start_time", "end_time", req.GetStartTime(), req.GetEndTime(), now)
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := "gaps:" + req.GetStartTime().String() + "|" + req.GetEndTime().String()
	var after *gapPosition
	if tok := req.GetPageToken(); tok != "" {
		after = &gapPosition{}
		if err := h.cfg.Tokens.Decode(query, tok, after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this window's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	w := assess.Window{From: from, To: to}
	gaps, err := h.gaps(ctx, nil, w, now)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &gatewayv1.ListCoverageGapsResponse{StartTime: timestamppb.New(from), EndTime: timestamppb.New(to)}
	for _, g := range gaps {
		pos := gapPosition{Score: g.GetScore(), Zone: g.GetZone()}
		if after != nil && !ranksBefore(*after, pos) {
			continue
		}
		if len(resp.CoverageGaps) == size {
			last := resp.CoverageGaps[size-1]
			tok, err := h.cfg.Tokens.Encode(query, gapPosition{Score: last.GetScore(), Zone: last.GetZone()})
			if err != nil {
				return nil, toStatus(apperr.Internal(err))
			}
			resp.NextPageToken = tok
			break
		}
		resp.CoverageGaps = append(resp.CoverageGaps, g)
	}
	return resp, nil
}

// zoneData is what the gaps and pictures of some zones are computed from.
type zoneData struct {
	incidents   map[string][]placement.Placement // by zone, placed in it, in the window
	deployments map[string][]*deployments.Doc    // by zone, starting before the window's end
	cover       cover                            // the areas held at some time in the window
}

// load gathers the incidents and deployments of the given zones (nil: every zone) for
// w, and the areas that may cover them: every unit's, and those of the deployments of
// any zone (a deployment's area may reach beyond its zone).
func (h *Handler) load(ctx context.Context, zoneNames []string, w assess.Window) (zoneData, error) {
	incs := h.cfg.Placer.Between(zoneNames, w.From, w.To)
	deps, err := h.cfg.Deployments.InZones(ctx, nil, w.To)
	if err != nil {
		return zoneData{}, err
	}
	cov, err := h.cover(ctx, deps)
	if err != nil {
		return zoneData{}, err
	}
	data := zoneData{incidents: map[string][]placement.Placement{}, deployments: map[string][]*deployments.Doc{}, cover: cov}
	for _, p := range incs {
		for _, z := range p.Zones {
			data.incidents[z] = append(data.incidents[z], p)
		}
	}
	for _, d := range deps {
		if zoneNames == nil || slices.Contains(zoneNames, d.Body.Zone) {
			data.deployments[d.Body.Zone] = append(data.deployments[d.Body.Zone], d)
		}
	}
	return data, nil
}

// gaps computes the coverage gaps of the given zones (nil: every zone) over w, ranked.
func (h *Handler) gaps(ctx context.Context, zoneNames []string, w assess.Window, now time.Time) ([]*gatewayv1.CoverageGap, error) {
	data, err := h.load(ctx, zoneNames, w)
	if err != nil {
		return nil, err
	}
	names := zoneNames
	if names == nil {
		names = h.cfg.Catalog.Names()
	}
	return h.gapsOf(names, data, w, now), nil
}

// gapsOf computes the gaps of the named zones from data, ranked by score, highest first.
func (h *Handler) gapsOf(names []string, data zoneData, w assess.Window, now time.Time) []*gatewayv1.CoverageGap {
	var incs []assess.Incident
	seen := map[string]bool{}
	var deps []assess.Deployment
	for _, z := range names {
		for _, p := range data.incidents[z] {
			if !seen[p.Name] {
				seen[p.Name] = true
				inc := p.ForCoverage()
				inc.CoveredByArea = data.cover.covers(p)
				incs = append(incs, inc)
			}
		}
		for _, d := range data.deployments[z] {
			deps = append(deps, deployments.ForCoverage(d))
		}
	}
	var out []*gatewayv1.CoverageGap
	for _, g := range assess.Gaps(w, names, incs, deps) {
		out = append(out, h.gapToProto(g, data, w, now))
	}
	slices.SortFunc(out, func(a, b *gatewayv1.CoverageGap) int {
		return cmp.Or(cmp.Compare(b.GetScore(), a.GetScore()), cmp.Compare(a.GetZone(), b.GetZone()))
	})
	return out
}

func (h *Handler) gapToProto(g assess.Gap, data zoneData, w assess.Window, now time.Time) *gatewayv1.CoverageGap {
	zdeps := coverageDeployments(data.deployments[g.ZoneID])
	uncovered := uncoveredIn(g.ZoneID, data.incidents[g.ZoneID], data.cover, zdeps, w)
	out := &gatewayv1.CoverageGap{
		Zone:          g.ZoneID,
		IncidentCount: int32(g.IncidentCount),
		Casualties:    int32(g.Casualties),
		LastIncident:  g.LastIncidentName,
	}
	if e, ok := h.cfg.Catalog.Get(g.ZoneID); ok {
		out.ZoneDisplayName = e.Doc.Body.DisplayName.ToProto()
	}
	level, _ := h.cfg.Placer.Threat(g.ZoneID, w.To)
	out.ThreatLevel = gatewayv1.ThreatLevel(level)
	if !g.LastIncidentTime.IsZero() {
		out.LastIncidentTime = timestamppb.New(g.LastIncidentTime)
	}
	for i, p := range uncovered {
		if p.Name == g.LastIncidentName {
			out.LastIncidentTitle = p.Title
		}
		if i < maxGapIncidents {
			out.Incidents = append(out.Incidents, p.Name)
		}
		age := max(w.To.Sub(p.OccurTime), 0)
		out.Score += float64(1+max(p.Casualties, 0)) * math.Pow(0.5, float64(age)/float64(halfLife))
	}
	out.LapsedDeployments = lapsed(g.LapsedDeployments, zdeps)
	return out
}

// coverageDeployments returns a zone's deployments as the coverage computations take them.
func coverageDeployments(docs []*deployments.Doc) []assess.Deployment {
	out := make([]assess.Deployment, len(docs))
	for i, d := range docs {
		out[i] = deployments.ForCoverage(d)
	}
	return out
}

// uncoveredIn returns the zone's incidents in w that fell in its vacuum at their time,
// latest first. Whether one is covered is asked of assess.Gaps itself, one incident
// at a time, so the rule lives in one place.
func uncoveredIn(zone string, incs []placement.Placement, cov cover, deps []assess.Deployment, w assess.Window) []placement.Placement {
	var out []placement.Placement
	for _, p := range incs {
		if Covered(zone, p, cov.covers(p), deps, w) {
			continue
		}
		if w.Contains(p.OccurTime) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b placement.Placement) int {
		return cmp.Or(b.OccurTime.Compare(a.OccurTime), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// Covered reports whether the incident was covered in zone at its time: byArea (its
// point lay in an area held then), or an acknowledged deployment of the zone without an
// area of its own in force then.
func Covered(zone string, p placement.Placement, byArea bool, deps []assess.Deployment, w assess.Window) bool {
	inc := assess.Incident{Name: p.Name, ZoneIDs: []string{zone}, OccurTime: p.OccurTime, Casualties: int(p.Casualties), CoveredByArea: byArea}
	// A window holding just the incident's time, so that the answer is about it alone.
	at := assess.Window{From: p.OccurTime, To: p.OccurTime.Add(time.Nanosecond)}
	return len(assess.Gaps(at, []string{zone}, []assess.Incident{inc}, deps)) == 0
}

// lapsed orders the lapsed deployments latest end first (open-ended first of all).
func lapsed(names []string, deps []assess.Deployment) []string {
	end := map[string]time.Time{}
	for _, d := range deps {
		e := d.End
		if !d.EndedAt.IsZero() && (e.IsZero() || d.EndedAt.Before(e)) {
			e = d.EndedAt
		}
		if e.IsZero() {
			e = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		}
		end[d.Name] = e
	}
	out := slices.Clone(names)
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(end[b].Compare(end[a]), cmp.Compare(a, b)) })
	return out
}
