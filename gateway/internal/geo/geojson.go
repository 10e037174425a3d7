package geo

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ErrInvalidGeoJSON is wrapped by every error DecodeGeoJSON returns. The wrapping
// error's text says what is wrong and is safe to show to the caller.
var ErrInvalidGeoJSON = errors.New("invalid GeoJSON")

// DecodeGeoJSON reads GeoJSON text (RFC 7946, [longitude, latitude] positions) holding
// a Polygon or a MultiPolygon, either as a bare geometry or as the geometry of a
// Feature, and returns it as a Polygon or a MultiPolygon. Altitudes are dropped.
// It checks only the syntax and the type: call Validate on the result.
func DecodeGeoJSON(data []byte) (Geometry, error) {
	// Look at the type first so that a wrong type gets a clear message rather than
	// whatever the geometry decoder makes of it.
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, invalid("not a JSON object: %v", err)
	}
	var g orb.Geometry
	switch head.Type {
	case "Polygon", "MultiPolygon":
		jg, err := geojson.UnmarshalGeometry(data)
		if err != nil {
			return nil, invalid("bad %s: %v", head.Type, err)
		}
		g = jg.Geometry()
	case "Feature":
		f, err := geojson.UnmarshalFeature(data)
		if err != nil {
			return nil, invalid("bad Feature: %v", err)
		}
		if f.Geometry == nil {
			return nil, invalid("the Feature has no geometry")
		}
		g = f.Geometry
	case "":
		return nil, invalid(`no "type" member: want a Polygon, a MultiPolygon or a Feature of one`)
	default:
		return nil, invalid("type %q is not supported: want a Polygon, a MultiPolygon or a Feature of one", head.Type)
	}
	switch g := g.(type) {
	case orb.Polygon:
		return polygonFromOrb(g), nil
	case orb.MultiPolygon:
		return multiPolygonFromOrb(g), nil
	default:
		return nil, invalid("the Feature's geometry is a %s: want a Polygon or a MultiPolygon", g.GeoJSONType())
	}
}

// EncodeGeoJSON writes g as a bare GeoJSON geometry of its own type ("Polygon" or
// "MultiPolygon"), with [longitude, latitude] positions and rings in the order and
// winding given. Decoding the result gives g back exactly.
func EncodeGeoJSON(g Geometry) ([]byte, error) {
	if g == nil {
		return nil, errors.New("geo: no geometry to encode")
	}
	b, err := geojson.NewGeometry(g.orbGeometry()).MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("geo: encode GeoJSON: %w", err)
	}
	return b, nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidGeoJSON, fmt.Sprintf(format, args...))
}
