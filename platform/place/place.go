// Package place holds the Go forms of the points and places of tansiq.type.v1 (a WGS84
// point, its MGRS reference, its names and precision), with their validation and their
// conversion to and from the protos, so every service checks them the same way.
package place

import (
	"math"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
)

// LatLng is a WGS84 point in degrees.
type LatLng struct {
	Lat float64 `bson:"lat"`
	Lng float64 `bson:"lng"`
}

// Place is a point with its names and precision (a GeoPrecision enum name).
type Place struct {
	Point     LatLng         `bson:"point"`
	Name      localized.Name `bson:"name"`
	Precision string         `bson:"precision,omitempty"`
}

// ValidateLatLng reports points outside WGS84 ranges (or not finite) under field.
func ValidateLatLng(v *apperr.Violations, field string, p LatLng) {
	if math.IsNaN(p.Lat) || math.IsInf(p.Lat, 0) || p.Lat < -90 || p.Lat > 90 {
		v.Add(field+".latitude", "must be a number in [-90, 90]")
	}
	if math.IsNaN(p.Lng) || math.IsInf(p.Lng, 0) || p.Lng < -180 || p.Lng > 180 {
		v.Add(field+".longitude", "must be a number in [-180, 180]")
	}
}
