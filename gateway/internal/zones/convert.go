package zones

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/platform/localized"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// fromProto converts the client-writable fields of a zone; g is its validated area, or
// nil when the request does not set it.
func fromProto(z *gatewayv1.Zone, g geo.Geometry) (Zone, error) {
	out := Zone{
		DisplayName:  localized.FromProto(z.GetDisplayName()),
		Kind:         z.GetKind().String(),
		Governorates: z.GetGovernorates(),
		Description:  z.GetDescription(),
	}
	if g != nil {
		s, err := EncodeArea(g)
		if err != nil {
			return Zone{}, err
		}
		out.GeoJSON = s
	}
	return out, nil
}

// ToProto converts a catalog entry to its API form, with its threat level as of now.
func ToProto(e *Entry, threats Threats, now time.Time) *gatewayv1.Zone {
	d, z := e.Doc, e.Doc.Body
	out := &gatewayv1.Zone{
		Name:         d.Name,
		DisplayName:  z.DisplayName.ToProto(),
		Kind:         gatewayv1.ZoneKind(gatewayv1.ZoneKind_value[z.Kind]),
		Geojson:      z.GeoJSON,
		Governorates: z.Governorates,
		Description:  z.Description,
		OwnerForce:   d.Owner,
		CreateTime:   timestamppb.New(d.CreateTime),
		UpdateTime:   timestamppb.New(d.UpdateTime),
		Etag:         d.Etag,
	}
	switch g := e.Geometry.(type) {
	case geo.Polygon:
		out.Geometry = &gatewayv1.Zone_Polygon{Polygon: polygonToProto(g)}
	case geo.MultiPolygon:
		mp := &typev1.MultiPolygon{}
		for _, p := range g {
			mp.Polygons = append(mp.Polygons, polygonToProto(p))
		}
		out.Geometry = &gatewayv1.Zone_MultiPolygon{MultiPolygon: mp}
	}
	if threats != nil {
		level, reason := threats.Threat(d.Name, now)
		out.ThreatLevel = gatewayv1.ThreatLevel(level)
		out.ThreatReason = reason
		out.ThreatAssessTime = timestamppb.New(now)
	}
	return out
}
