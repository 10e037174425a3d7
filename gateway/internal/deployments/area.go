package deployments

import (
	"math"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/shape"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// Area is the ground a deployment answers for, as stored: a polygon, or a circle
// around its command post kept as the polygon it was drawn as.
type Area struct {
	GeoJSON      string  `bson:"geojson"`
	RadiusMeters float64 `bson:"radius_m,omitempty"`
	Km2          float64 `bson:"km2"`
}

// The radii a deployment's circle may have.
const (
	MinRadiusMeters = 100
	MaxRadiusMeters = 100_000
)

// readArea checks a deployment's area, reporting under field, and returns it as
// stored; nil when the deployment has none (it covers its whole zone) or the area is
// bad.
func readArea(v *apperr.Violations, field string, d *gatewayv1.Deployment) *Area {
	a := d.GetArea()
	if a == nil {
		return nil
	}
	switch s := a.GetShape().(type) {
	case *gatewayv1.DeploymentArea_Polygon:
		g, ok := shape.Read(v, field, s.Polygon, nil, "")
		if !ok {
			return nil
		}
		return &Area{GeoJSON: shape.GeoJSON(g), Km2: shape.AreaKm2(g)}
	case *gatewayv1.DeploymentArea_RadiusMeters:
		r := s.RadiusMeters
		ok := true
		if math.IsNaN(r) || r < MinRadiusMeters || r > MaxRadiusMeters {
			v.Add(field+".radius_meters", "must be %d to %d metres", MinRadiusMeters, MaxRadiusMeters)
			ok = false
		}
		if d.GetCommandPost() == nil {
			v.Add(field+".radius_meters", "needs the command_post to draw the circle around")
			ok = false
		}
		if !ok {
			return nil
		}
		cp := place.PlaceFromProto(d.GetCommandPost()).Point
		g := shape.Circle(cp.Lat, cp.Lng, r)
		return &Area{GeoJSON: shape.GeoJSON(g), RadiusMeters: r, Km2: shape.AreaKm2(g)}
	default:
		v.Add(field, "give a polygon or a radius_meters")
		return nil
	}
}

// toProto returns the area in its API form.
func (a *Area) toProto() *gatewayv1.DeploymentArea {
	out := &gatewayv1.DeploymentArea{Geojson: a.GeoJSON, AreaKm2: a.Km2}
	if a.RadiusMeters > 0 {
		out.Shape = &gatewayv1.DeploymentArea_RadiusMeters{RadiusMeters: a.RadiusMeters}
		return out
	}
	if g, err := shape.Parse(a.GeoJSON); err == nil {
		if p, _ := shape.ToProto(g); p != nil {
			out.Shape = &gatewayv1.DeploymentArea_Polygon{Polygon: p}
		}
	}
	return out
}
