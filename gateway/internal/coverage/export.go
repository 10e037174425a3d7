package coverage

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/replysize"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// maxFeatures bounds one export by count; replysize.Budget bounds it by size.
const maxFeatures = 10000

// feature is one GeoJSON Feature (RFC 7946 3.2).
type feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// ExportGeoJson exports zones, the incidents placed in them and the deployments in them
// as one FeatureCollection.
func (h *Handler) ExportGeoJson(ctx context.Context, req *gatewayv1.ExportGeoJsonRequest) (*gatewayv1.ExportGeoJsonResponse, error) {
	var v apperr.Violations
	now := h.now()
	from, to := reqcheck.Window(&v, "start_time", "end_time", req.GetStartTime(), req.GetEndTime(), now)
	var entries []*zones.Entry
	for i, z := range req.GetZones() {
		if !resname.Matches(resname.Zone, z) {
			v.Add(apperr.Index("zones", i), `must look like "zones/{zone}"`)
		} else if e, ok := h.cfg.Catalog.Get(z); !ok {
			v.Add(apperr.Index("zones", i), "no such zone")
		} else {
			entries = append(entries, e)
		}
	}
	layers := map[gatewayv1.GeoJsonLayer]bool{}
	for i, l := range req.GetLayers() {
		if _, ok := gatewayv1.GeoJsonLayer_name[int32(l)]; !ok || l == gatewayv1.GeoJsonLayer_GEO_JSON_LAYER_UNSPECIFIED {
			v.Add(apperr.Index("layers", i), "unknown layer %d", l)
		}
		layers[l] = true
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	var names []string // nil: every zone
	if len(req.GetZones()) == 0 {
		entries = h.cfg.Catalog.List()
	} else {
		for _, e := range entries {
			names = append(names, e.Doc.Name)
		}
		slices.Sort(names)
		names = slices.Compact(names)
	}
	all := len(layers) == 0
	x := exporter{now: now}
	if all || layers[gatewayv1.GeoJsonLayer_GEO_JSON_LAYER_ZONES] {
		for _, e := range entries {
			x.zone(e, h.cfg.Placer)
		}
	}
	w := assess.Window{From: from, To: to}
	data, err := h.load(ctx, names, w)
	if err != nil {
		return nil, toStatus(err)
	}
	if all || layers[gatewayv1.GeoJsonLayer_GEO_JSON_LAYER_INCIDENTS] {
		x.incidents(data)
	}
	if all || layers[gatewayv1.GeoJsonLayer_GEO_JSON_LAYER_DEPLOYMENTS] {
		x.deployments(data, w, h.cfg.Catalog)
	}
	if x.err != nil {
		return nil, toStatus(apperr.Internal(x.err))
	}
	b, err := json.Marshal(struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}{"FeatureCollection", x.features})
	if err != nil {
		return nil, toStatus(apperr.Internal(err))
	}
	return &gatewayv1.ExportGeoJsonResponse{Geojson: string(b), FeatureCount: int32(len(x.features)), Truncated: x.truncated}, nil
}

// exporter collects features, encoded, up to maxFeatures and replysize.Budget bytes.
type exporter struct {
	now       time.Time
	features  []json.RawMessage
	page      replysize.Page
	truncated bool
	err       error
}

func (x *exporter) add(f feature) {
	if len(x.features) >= maxFeatures || x.truncated {
		x.truncated = true
		return
	}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	b, err := json.Marshal(f)
	if err != nil {
		x.err = err
		return
	}
	if !x.page.FitsBytes(len(b)) {
		x.truncated = true
		return
	}
	x.features = append(x.features, b)
}

func (x *exporter) zone(e *zones.Entry, threats zones.Threats) {
	z := e.Doc.Body
	level, reason := threats.Threat(e.Doc.Name, x.now)
	x.add(feature{Type: "Feature", ID: e.Doc.Name, Geometry: json.RawMessage(z.GeoJSON), Properties: map[string]any{
		"layer": "zone", "name": z.DisplayName.English, "name_ar": z.DisplayName.Arabic, "name_ckb": z.DisplayName.Sorani,
		"aliases": z.DisplayName.Aliases, "kind": z.Kind, "governorates": z.Governorates,
		"threat_level": gatewayv1.ThreatLevel(level).String(), "threat_reason": reason, "owner_force": e.Doc.Owner,
	}})
}

func (x *exporter) incidents(data zoneData) {
	seen := map[string]bool{}
	var names []string
	for z := range data.incidents {
		names = append(names, z)
	}
	slices.Sort(names)
	for _, z := range names {
		for _, p := range data.incidents[z] {
			if seen[p.Name] {
				continue
			}
			seen[p.Name] = true
			x.add(feature{Type: "Feature", ID: p.Name, Geometry: point(p.Place.Point.Lat, p.Place.Point.Lng), Properties: map[string]any{
				"layer": "incident", "title": p.Title, "kind": p.Kind, "occur_time": p.OccurTime.Format(time.RFC3339),
				"casualties": p.Casualties, "zones": p.Zones, "state": p.State, "place": p.Place.Name.English,
			}})
		}
	}
}

func (x *exporter) deployments(data zoneData, w assess.Window, catalog *zones.Catalog) {
	var names []string
	for z := range data.deployments {
		names = append(names, z)
	}
	slices.Sort(names)
	for _, z := range names {
		for _, d := range data.deployments[z] {
			b := d.Body
			if b.State == deployments.StateCancelled || !overlaps(d, w) {
				continue
			}
			var geom json.RawMessage
			switch e, ok := catalog.Get(b.Zone); {
			case b.CommandPost != nil:
				geom = point(b.CommandPost.Point.Lat, b.CommandPost.Point.Lng)
			case ok:
				geom = json.RawMessage(e.Doc.Body.GeoJSON)
			default:
				continue // no command post and the zone is gone: nothing to draw
			}
			props := map[string]any{
				"layer": "deployment", "title": b.Title, "zone": b.Zone, "units": b.Units, "lead_force": b.LeadForce,
				"state": b.StateAt(x.now), "start_time": b.StartTime.Format(time.RFC3339),
			}
			if !b.EndTime.IsZero() {
				props["end_time"] = b.EndTime.Format(time.RFC3339)
			}
			x.add(feature{Type: "Feature", ID: d.Name, Geometry: geom, Properties: props})
		}
	}
}

// point is a GeoJSON Point, longitude first.
func point(lat, lng float64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"type":"Point","coordinates":[%s,%s]}`, num(lng), num(lat)))
}

func num(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
