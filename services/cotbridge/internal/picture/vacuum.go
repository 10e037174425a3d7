package picture

import (
	"encoding/json"
	"fmt"
	"strings"

	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
)

// vacuumColour is the security vacuum's stroke: magenta (ARGB 0xffff00ff), a colour no
// threat level uses, so that the ground nobody holds never reads as a threat shade.
const vacuumColour = int32(-0xff0001)

// VacuumUID is the uid of a zone's security vacuum shape, e.g.
// "tansiq.zones.makhmour.vacuum"; a vacuum of several pieces adds ".2", ".3"...
func VacuumUID(zone string) string { return UID(zone) + ".vacuum" }

// VacuumShapes returns a zone's security vacuum as closed drawing shapes, one per piece
// (holes are not drawn), dashed magenta, labelled as the vacuum, with its extent and the
// incidents inside it in the remarks. A fully covered zone has none.
func (c Clock) VacuumShapes(z *gatewayv1.Zone, v *gatewayv1.SecurityVacuum) ([]*cot.Event, error) {
	var geom struct {
		Type        string           `json:"type"`
		Coordinates [][][][2]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(v.GetGeojson()), &geom); err != nil {
		return nil, fmt.Errorf("vacuum of %s: %w", z.GetName(), err)
	}
	if geom.Type != "MultiPolygon" {
		return nil, fmt.Errorf("vacuum of %s: a %q, want a MultiPolygon", z.GetName(), geom.Type)
	}
	name := displayName(z.GetDisplayName(), z.GetName())
	remarks := vacuumRemarks(name, v)
	var out []*cot.Event
	for i, poly := range geom.Coordinates {
		if len(poly) == 0 || len(poly[0]) < 4 {
			continue
		}
		ring := poly[0] // GeoJSON: longitude first
		uid := VacuumUID(z.GetName())
		if i > 0 {
			uid = fmt.Sprintf("%s.%d", uid, i+1)
		}
		var lat, lon float64
		for _, p := range ring[:len(ring)-1] {
			lon += p[0]
			lat += p[1]
		}
		n := float64(len(ring) - 1)
		e := c.event(uid, TypeShape, cot.Point{Lat: lat / n, Lon: lon / n, HAE: cot.Unknown, CE: cot.Unknown, LE: cot.Unknown})
		for _, p := range ring {
			e.Detail.Links = append(e.Detail.Links, cot.Link{Point: cot.LinkPoint(p[1], p[0])})
		}
		e.Detail.Contact = &cot.Contact{Callsign: "Security vacuum: " + name}
		e.Detail.StrokeColor = &cot.Value{Value: fmt.Sprint(vacuumColour)}
		e.Detail.StrokeWgt = &cot.Value{Value: "3.0"}
		e.Detail.StrokeStyle = &cot.Value{Value: "dashed"}
		e.Detail.FillColor = &cot.Value{Value: fmt.Sprint(vacuumColour&0x00ffffff | 0x30000000)}
		e.Detail.LabelsOn = &cot.Value{Value: "true"}
		e.Detail.Remarks = &cot.Remarks{Text: remarks}
		out = append(out, e)
	}
	return out, nil
}

func vacuumRemarks(zone string, v *gatewayv1.SecurityVacuum) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Security vacuum of %s: %.1f of its %.1f km2 held by no unit's area of responsibility and no joint deployment in force, as of %s",
		zone, v.GetVacuumAreaKm2(), v.GetZoneAreaKm2(), v.GetVacuumTime().AsTime().UTC().Format("2006-01-02 15:04Z"))
	fmt.Fprintf(&b, "\nIncidents in the last window: %d inside the vacuum, %d covered", len(v.GetVacuumIncidents()), v.GetCoveredIncidentCount())
	for _, c := range v.GetProposedClosures() {
		fmt.Fprintf(&b, "\n%s, once acknowledged, would close %.1f km2", c.GetDeployment(), c.GetClosedAreaKm2())
	}
	return b.String()
}
