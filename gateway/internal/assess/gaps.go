package assess

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// Gap is a zone where incidents in the window found no joint deployment in force.
type Gap struct {
	ZoneID string
	// IncidentCount and Casualties are over the uncovered incidents only.
	IncidentCount int
	Casualties    int
	// CoveredIncidents is how many of the zone's incidents in the window were covered.
	CoveredIncidents int
	// LastIncidentTime and LastIncidentName are those of the latest uncovered incident
	// (on a tie in time, the smallest name).
	LastIncidentTime time.Time
	LastIncidentName string
	// LapsedDeployments are the deployments of the zone that were meant to be there
	// and were not when the last uncovered incident happened: active, ended or
	// cancelled, starting at or before that incident, with a planned window reaching
	// into the query window. Sorted by name.
	LapsedDeployments []string
	// Score orders gaps as Gaps does, in one number: Casualties plus the recency of the
	// last uncovered incident as a fraction of the window, (LastIncidentTime - From) /
	// (To - From), in [0, 1). More casualties always rank higher; among equal
	// casualties the more recent ranks higher.
	Score float64
}

// Gaps returns the coverage gaps of the given zones over the window w.
//
// An incident is covered when it is CoveredByArea, or when a deployment without an area
// of its own in one of its zones was in force at its OccurTime: an active deployment
// over [Start, End) (End zero: open-ended), or an ended one over [Start, min(End,
// EndedAt)). Proposed and cancelled deployments cover nothing. A zone is a gap when at least one of its incidents with OccurTime in
// [From, To) is uncovered; incidents naming zones not in zones are ignored.
//
// Gaps are ranked by uncovered casualties, then by the time of the last uncovered
// incident (latest first), then by zone id, so the order is the same for the same
// input. The work is O((I + D) log D + Z log Z) for I incident placements, D
// deployments and Z zones.
func Gaps(w Window, zones []string, incidents []Incident, deployments []Deployment) []Gap {
	if !w.From.Before(w.To) {
		return nil
	}
	idx := make(map[string]int, len(zones))
	for _, z := range zones {
		if _, ok := idx[z]; !ok {
			idx[z] = len(idx)
		}
	}
	ids := make([]string, len(idx))
	for z, i := range idx {
		ids[i] = z
	}

	// Group deployments by zone, and turn those in force into sorted, disjoint spans.
	deps := make([][]int, len(ids))
	cover := make([][]span, len(ids))
	for i, d := range deployments {
		zi, ok := idx[d.ZoneID]
		if !ok {
			continue
		}
		deps[zi] = append(deps[zi], i)
		if s, ok := d.inForce(); ok {
			cover[zi] = append(cover[zi], s)
		}
	}
	for zi := range cover {
		cover[zi] = merge(cover[zi])
	}

	acc := make([]Gap, len(ids))
	for _, inc := range incidents {
		if !w.Contains(inc.OccurTime) {
			continue
		}
		for k, z := range inc.ZoneIDs {
			zi, ok := idx[z]
			if !ok || slices.Contains(inc.ZoneIDs[:k], z) {
				continue
			}
			g := &acc[zi]
			if inc.CoveredByArea || covered(cover[zi], inc.OccurTime) {
				g.CoveredIncidents++
				continue
			}
			g.IncidentCount++
			g.Casualties += max(inc.Casualties, 0)
			if g.IncidentCount == 1 || inc.OccurTime.After(g.LastIncidentTime) ||
				(inc.OccurTime.Equal(g.LastIncidentTime) && inc.Name < g.LastIncidentName) {
				g.LastIncidentTime, g.LastIncidentName = inc.OccurTime, inc.Name
			}
		}
	}

	var gaps []Gap
	length := float64(w.To.Sub(w.From))
	for zi, g := range acc {
		if g.IncidentCount == 0 {
			continue
		}
		g.ZoneID = ids[zi]
		g.Score = float64(g.Casualties) + float64(g.LastIncidentTime.Sub(w.From))/length
		for _, i := range deps[zi] {
			if d := deployments[i]; d.lapsedBy(g.LastIncidentTime, w) {
				g.LapsedDeployments = append(g.LapsedDeployments, d.Name)
			}
		}
		sort.Strings(g.LapsedDeployments)
		gaps = append(gaps, g)
	}
	slices.SortFunc(gaps, func(a, b Gap) int {
		if c := cmp.Compare(b.Casualties, a.Casualties); c != 0 {
			return c
		}
		if c := b.LastIncidentTime.Compare(a.LastIncidentTime); c != 0 {
			return c
		}
		return cmp.Compare(a.ZoneID, b.ZoneID)
	})
	return gaps
}

// span is a time range [start, end).
type span struct {
	start, end time.Time
}

// forever stands for the end of an open-ended deployment.
var forever = time.Unix(1<<62, 0)

// inForce returns the span over which d covered its whole zone, if any.
func (d Deployment) inForce() (span, bool) {
	if d.HasArea {
		return span{}, false
	}
	end := d.End
	if end.IsZero() {
		end = forever
	}
	switch d.State {
	case DeploymentActive:
	case DeploymentEnded:
		if d.EndedAt.IsZero() {
			return span{}, false
		}
		if d.EndedAt.Before(end) {
			end = d.EndedAt
		}
	default:
		return span{}, false
	}
	return span{d.Start, end}, d.Start.Before(end)
}

// lapsedBy reports whether d was meant to be in its zone by the time of the last
// uncovered incident last, within the window w, and was not.
func (d Deployment) lapsedBy(last time.Time, w Window) bool {
	switch d.State {
	case DeploymentActive, DeploymentEnded, DeploymentCancelled:
	default:
		return false
	}
	if d.HasArea {
		// In force then, it was there: the incident fell outside its area.
		whole := d
		whole.HasArea = false
		if s, ok := whole.inForce(); ok && covered([]span{s}, last) {
			return false
		}
	}
	reachesWindow := d.End.IsZero() || d.End.After(w.From)
	return !d.Start.After(last) && reachesWindow
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start.Compare(b.start) })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start.After(last.end) {
			out = append(out, s)
			continue
		}
		if s.end.After(last.end) {
			last.end = s.end
		}
	}
	return out
}

// covered reports whether t falls in one of the sorted, disjoint spans.
func covered(spans []span, t time.Time) bool {
	// The first span starting after t; the one before it is the only candidate.
	i := sort.Search(len(spans), func(i int) bool { return spans[i].start.After(t) })
	return i > 0 && t.Before(spans[i-1].end)
}
