package picture

import (
	"fmt"
	"strings"
	"time"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
)

// CoT types the bridge sends.
const (
	TypeShape    = "u-d-f"     // a drawing shape: a polyline, closed for a zone
	TypeHostile  = "a-h-G"     // a hostile ground event: an incident
	TypeFriendly = "a-f-G-U-C" // a friendly ground combat unit
	TypeDelete   = "t-x-d-d"   // removes the linked event from the client's map
)

// UID is the stable CoT uid of a resource: "tansiq." and its name with dots for slashes,
// e.g. "tansiq.zones.makhmour". The same resource always has the same uid, so a client
// replaces its copy rather than adding another.
func UID(name string) string { return "tansiq." + strings.ReplaceAll(name, "/", ".") }

// Clock stamps events: time and start are now, stale is now plus StaleAfter.
type Clock struct {
	Now        func() time.Time
	StaleAfter time.Duration
}

func (c Clock) event(uid, typ string, p cot.Point) *cot.Event {
	now := c.Now().UTC()
	return &cot.Event{Version: "2.0", UID: uid, Type: typ, How: "h-e",
		Time: cot.Time{Time: now}, Start: cot.Time{Time: now}, Stale: cot.Time{Time: now.Add(c.StaleAfter)},
		Point: p, Detail: &cot.Detail{}}
}

// Delete is the event that removes uid from a client's map.
func (c Clock) Delete(uid, typ string) *cot.Event {
	e := c.event(uid+".delete", TypeDelete, cot.Point{HAE: cot.Unknown, CE: cot.Unknown, LE: cot.Unknown})
	e.How = "m-g"
	e.Stale = e.Time
	e.Detail.Links = []cot.Link{{UID: uid, Type: typ, Relation: "none"}}
	return e
}

// ZoneShapes returns a zone's area as closed drawing shapes, one per polygon (holes are
// not drawn), labelled with the zone's names and its threat in the remarks. The first
// shape's uid is the zone's; a multi-polygon's others add ".2", ".3"...
func (c Clock) ZoneShapes(z *gatewayv1.Zone, zp *gatewayv1.ZonePicture) []*cot.Event {
	var polys []*typev1.Polygon
	switch g := z.GetGeometry().(type) {
	case *gatewayv1.Zone_Polygon:
		polys = []*typev1.Polygon{g.Polygon}
	case *gatewayv1.Zone_MultiPolygon:
		polys = g.MultiPolygon.GetPolygons()
	}
	threat := z.GetThreatLevel()
	reason := z.GetThreatReason()
	if zp != nil {
		threat, reason = zp.GetThreatLevel(), zp.GetThreatReason()
	}
	remarks := zoneRemarks(z, zp, threat, reason)
	var out []*cot.Event
	for i, p := range polys {
		ring := p.GetExterior().GetPoints()
		if len(ring) < 4 {
			continue
		}
		uid := UID(z.GetName())
		if i > 0 {
			uid = fmt.Sprintf("%s.%d", uid, i+1)
		}
		lat, lon := centre(ring)
		e := c.event(uid, TypeShape, cot.Point{Lat: lat, Lon: lon, HAE: cot.Unknown, CE: cot.Unknown, LE: cot.Unknown})
		for _, pt := range ring {
			e.Detail.Links = append(e.Detail.Links, cot.Link{Point: cot.LinkPoint(pt.GetLatitude(), pt.GetLongitude())})
		}
		colour := threatColour(threat)
		e.Detail.Contact = &cot.Contact{Callsign: displayName(z.GetDisplayName(), z.GetName())}
		e.Detail.StrokeColor = &cot.Value{Value: fmt.Sprint(colour)}
		e.Detail.StrokeWgt = &cot.Value{Value: "4.0"}
		e.Detail.FillColor = &cot.Value{Value: fmt.Sprint(colour&0x00ffffff | 0x40000000)}
		e.Detail.LabelsOn = &cot.Value{Value: "true"}
		e.Detail.Remarks = &cot.Remarks{Text: remarks}
		out = append(out, e)
	}
	return out
}

func zoneRemarks(z *gatewayv1.Zone, zp *gatewayv1.ZonePicture, threat gatewayv1.ThreatLevel, reason string) string {
	n := z.GetDisplayName()
	var b strings.Builder
	for _, s := range []string{n.GetEnglish(), n.GetArabic(), n.GetSorani()} {
		if s != "" {
			if b.Len() > 0 {
				b.WriteString(" / ")
			}
			b.WriteString(s)
		}
	}
	fmt.Fprintf(&b, "\nThreat: %s", threatName(threat))
	if reason != "" {
		fmt.Fprintf(&b, " (%s)", reason)
	}
	if gap := zp.GetCoverageGap(); gap != nil {
		b.WriteString("\nCoverage gap: no joint deployment covered its incidents")
	}
	if len(z.GetGovernorates()) > 0 {
		fmt.Fprintf(&b, "\nGovernorates: %s", strings.Join(z.GetGovernorates(), ", "))
	}
	return b.String()
}

// Incident returns an incident as a hostile event at its place, with its kind, time and
// casualties in the remarks.
func (c Clock) Incident(in *incidentv1.Incident) *cot.Event {
	pl := in.GetPlace()
	e := c.event(UID(in.GetName()), TypeHostile, placePoint(pl))
	e.Detail.Contact = &cot.Contact{Callsign: in.GetTitle()}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s", kindName(in.GetKind()), in.GetOccurTime().AsTime().UTC().Format("2006-01-02 15:04Z"))
	if d := in.GetDistrict(); d != "" {
		fmt.Fprintf(&b, ", %s district", d)
	}
	fmt.Fprintf(&b, "\nCasualties: %s", casualties(in.GetCasualties()))
	if p := in.GetPerpetrator(); p.GetClaimed() != "" || p.GetAssessed() != "" {
		fmt.Fprintf(&b, "\nPerpetrator: claimed %q, assessed %q", p.GetClaimed(), p.GetAssessed())
	}
	fmt.Fprintf(&b, "\nReported by %s, %s", in.GetReportingForce(), strings.ToLower(strings.TrimPrefix(in.GetState().String(), "INCIDENT_STATE_")))
	e.Detail.Remarks = &cot.Remarks{Text: b.String()}
	return e
}

// casualties says who was hit, count by count: "18 killed or wounded (civilian,
// peshmerga); total 18".
func casualties(c *incidentv1.Casualties) string {
	if c == nil || len(c.GetCounts()) == 0 {
		return "none reported"
	}
	var parts []string
	for _, n := range c.GetCounts() {
		var sides []string
		for _, s := range n.GetSides() {
			sides = append(sides, strings.ToLower(strings.TrimPrefix(s.String(), "CASUALTY_SIDE_")))
		}
		var what []string
		if n.GetKilled() > 0 {
			what = append(what, fmt.Sprintf("%d killed", n.GetKilled()))
		}
		if n.GetWounded() > 0 {
			what = append(what, fmt.Sprintf("%d wounded", n.GetWounded()))
		}
		if n.GetKilledOrWounded() > 0 {
			what = append(what, fmt.Sprintf("%d killed or wounded", n.GetKilledOrWounded()))
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", strings.Join(what, ", "), strings.Join(sides, ", ")))
	}
	return fmt.Sprintf("%s; total %d", strings.Join(parts, "; "), c.GetTotal())
}

// Deployment returns a joint deployment as a friendly task force at its command post (or
// its zone's centre), its symbol sized by its largest unit's echelon.
func (c Clock) Deployment(d *gatewayv1.Deployment, zoneCentre *typev1.LatLng, echelon forcesv1.Echelon) *cot.Event {
	p := cot.Point{HAE: cot.Unknown, CE: cot.Unknown, LE: cot.Unknown}
	if cp := d.GetCommandPost(); cp.GetPoint() != nil {
		p = placePoint(cp)
	} else if zoneCentre != nil {
		p.Lat, p.Lon = zoneCentre.GetLatitude(), zoneCentre.GetLongitude()
	}
	e := c.event(UID(d.GetName()), TypeFriendly, p)
	title := d.GetTitle()
	if title == "" {
		title = d.GetName()
	}
	e.Detail.Contact = &cot.Contact{Callsign: title}
	e.Detail.Milsym = &cot.Milsym{ID: sidc('E', echelon)}
	var b strings.Builder
	state := strings.ToLower(strings.TrimPrefix(d.GetState().String(), "DEPLOYMENT_STATE_"))
	fmt.Fprintf(&b, "Joint deployment, %s, in %s, led by %s", state, d.GetZone(), d.GetLeadForce())
	var acked []string
	for _, a := range d.GetAcknowledgements() {
		acked = append(acked, a.GetForce())
	}
	fmt.Fprintf(&b, "\nAcknowledged by %s of %s", strings.Join(acked, ", "), strings.Join(d.GetForces(), ", "))
	fmt.Fprintf(&b, "\nUnits: %s", strings.Join(d.GetUnits(), ", "))
	e.Detail.Remarks = &cot.Remarks{Text: b.String()}
	return e
}

// Unit returns a unit at its last reported position, its symbol sized by its echelon.
func (c Clock) Unit(u *forcesv1.Unit) *cot.Event {
	pos := u.GetLastPosition()
	e := c.event(UID(u.GetName()), TypeFriendly, placePoint(pos.GetPlace()))
	e.Detail.Contact = &cot.Contact{Callsign: displayName(u.GetDisplayName(), u.GetName())}
	code := u.GetSymbolCode()
	if len(code) != 15 {
		code = sidc('-', u.GetEchelon())
	}
	e.Detail.Milsym = &cot.Milsym{ID: code}
	text := fmt.Sprintf("%s, %s\nLast reported %s", u.GetForce(), echelonName(u.GetEchelon()),
		pos.GetReportTime().AsTime().UTC().Format("2006-01-02 15:04Z"))
	if n := pos.GetNote(); n != "" {
		text += ": " + n
	}
	e.Detail.Remarks = &cot.Remarks{Text: text}
	return e
}

// placePoint is a place as a CoT point, its circular error from how precisely the
// place is known.
func placePoint(p *typev1.Place) cot.Point {
	return cot.Point{Lat: p.GetPoint().GetLatitude(), Lon: p.GetPoint().GetLongitude(),
		HAE: cot.Unknown, CE: CircularError(p.GetPrecision()), LE: cot.Unknown}
}

// CircularError is the radius in metres within which a place of the given precision lies.
func CircularError(p typev1.GeoPrecision) float64 {
	switch p {
	case typev1.GeoPrecision_GEO_PRECISION_EXACT:
		return 50
	case typev1.GeoPrecision_GEO_PRECISION_NEAR:
		return 5_000 // "within a few kilometres"
	case typev1.GeoPrecision_GEO_PRECISION_DISTRICT:
		return 25_000
	case typev1.GeoPrecision_GEO_PRECISION_GOVERNORATE:
		return 100_000
	}
	return cot.Unknown
}

// sidc is a MIL-STD-2525C symbol identification code of a friendly ground combat unit,
// present, with the given headquarters/task-force modifier ('-' none, 'E' task force),
// echelon amplifier, and Iraq as its country.
func sidc(modifier byte, e forcesv1.Echelon) string {
	// The echelon letters of 2525C, from team/crew (A) to command (N), in the order of
	// the Echelon enum.
	const letters = "ABCDEFGHIJKLMN"
	ech := byte('-')
	if n := int(e); n >= 1 && n <= len(letters) {
		ech = letters[n-1]
	}
	return "SFGPUC----" + string([]byte{modifier, ech}) + "IZ" + "-"
}

// threatColour is an ARGB stroke colour for a threat level: green, yellow, orange, red.
func threatColour(t gatewayv1.ThreatLevel) int32 {
	switch {
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_HIGH:
		return int32(-0x10000) // 0xffff0000
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_SUBSTANTIAL:
		return int32(-0x7300) // 0xffff8d00
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_MODERATE:
		return int32(-0x100) // 0xffffff00
	case t >= gatewayv1.ThreatLevel_THREAT_LEVEL_MINIMAL:
		return int32(-0xff0100) // 0xff00ff00
	}
	return -1 // white: not yet computed
}

func threatName(t gatewayv1.ThreatLevel) string {
	if t == gatewayv1.ThreatLevel_THREAT_LEVEL_UNSPECIFIED {
		return "not assessed"
	}
	return fmt.Sprintf("%s (level %d of 6)", strings.TrimPrefix(t.String(), "THREAT_LEVEL_"), int(t))
}

func kindName(k incidentv1.IncidentKind) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(k.String(), "INCIDENT_KIND_")), "_", " ")
}

func echelonName(e forcesv1.Echelon) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(e.String(), "ECHELON_")), "_", " ")
}

// displayName is a record's English name, else its Arabic or Sorani one, else its
// resource name.
func displayName(n *typev1.LocalizedName, name string) string {
	for _, s := range []string{n.GetEnglish(), n.GetArabic(), n.GetSorani()} {
		if s != "" {
			return s
		}
	}
	return name
}

// centre is the mean of a closed ring's vertices (the last repeats the first): where a
// zone's label goes.
func centre(ring []*typev1.LatLng) (lat, lon float64) {
	pts := ring[:len(ring)-1]
	for _, p := range pts {
		lat += p.GetLatitude()
		lon += p.GetLongitude()
	}
	n := float64(len(pts))
	return lat / n, lon / n
}
