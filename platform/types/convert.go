package types

import (
	"github.com/tansiq/tansiq/platform/apperr"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// LatLngFromProto converts a point; nil gives the zero point.
func LatLngFromProto(p *typev1.LatLng) LatLng {
	return LatLng{Lat: p.GetLatitude(), Lng: p.GetLongitude()}
}

// ToProto converts the point.
func (p LatLng) ToProto() *typev1.LatLng {
	return &typev1.LatLng{Latitude: p.Lat, Longitude: p.Lng}
}

// NameFromProto converts a name; nil gives the empty name.
func NameFromProto(n *typev1.LocalizedName) LocalizedName {
	return LocalizedName{Arabic: n.GetArabic(), Sorani: n.GetSorani(), English: n.GetEnglish(),
		Aliases: append([]string(nil), n.GetAliases()...)}
}

// ToProto converts the name.
func (n LocalizedName) ToProto() *typev1.LocalizedName {
	return &typev1.LocalizedName{Arabic: n.Arabic, Sorani: n.Sorani, English: n.English, Aliases: n.Aliases}
}

// PlaceFromProto converts a place; nil gives the zero place.
func PlaceFromProto(p *typev1.Place) Place {
	return Place{Point: LatLngFromProto(p.GetPoint()), Name: NameFromProto(p.GetName()), Precision: p.GetPrecision().String()}
}

// ToProto converts the place.
func (p Place) ToProto() *typev1.Place {
	return &typev1.Place{Point: p.Point.ToProto(), Name: p.Name.ToProto(),
		Precision: typev1.GeoPrecision(typev1.GeoPrecision_value[p.Precision])}
}

// ValidatePlace reports a missing place or point, an out-of-range point, a bad name or an
// unknown precision, under field.
func ValidatePlace(v *apperr.Violations, field string, p *typev1.Place, required bool) {
	if p == nil {
		if required {
			v.Add(field, "is required")
		}
		return
	}
	if p.GetPoint() == nil {
		v.Add(field+".point", "is required")
	} else {
		ValidateLatLng(v, field+".point", LatLngFromProto(p.GetPoint()))
	}
	ValidateName(v, field+".name", NameFromProto(p.GetName()), false)
	if _, ok := typev1.GeoPrecision_name[int32(p.GetPrecision())]; !ok {
		v.Add(field+".precision", "unknown value %d", p.GetPrecision())
	}
}
