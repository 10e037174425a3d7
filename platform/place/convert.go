package place

import (
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/grid"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/reqcheck"
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

// PlaceFromProto converts a place; nil gives the zero place. A place given by its MGRS
// grid reference alone takes the centre of the reference's square as its point.
func PlaceFromProto(p *typev1.Place) Place {
	pt := LatLngFromProto(p.GetPoint())
	if p.GetPoint() == nil && p.GetMgrs() != "" {
		if m, err := grid.ParseMGRS(p.GetMgrs()); err == nil {
			pt.Lat, pt.Lng = m.Centre()
		}
	}
	return Place{Point: pt, Name: localized.FromProto(p.GetName()), Precision: p.GetPrecision().String()}
}

// ToProto converts the place, with its point's one-metre MGRS reference beside it.
func (p Place) ToProto() *typev1.Place {
	return &typev1.Place{Point: p.Point.ToProto(), Name: p.Name.ToProto(),
		Precision: typev1.GeoPrecision(typev1.GeoPrecision_value[p.Precision]), Mgrs: p.Point.MGRS()}
}

// MGRS returns the point's MGRS grid reference to one metre, or "" outside the grid
// (beyond latitudes -80 and 84).
func (p LatLng) MGRS() string {
	s, err := grid.ToMGRS(p.Lat, p.Lng, 5)
	if err != nil {
		return ""
	}
	return s
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
	switch {
	case p.GetPoint() == nil && p.GetMgrs() == "":
		v.Add(field+".point", "is required (or give mgrs)")
	case p.GetPoint() != nil:
		ValidateLatLng(v, field+".point", LatLngFromProto(p.GetPoint()))
	}
	if p.GetMgrs() != "" {
		validateMGRS(v, field, p)
	}
	localized.Validate(v, field+".name", localized.FromProto(p.GetName()), false)
	if _, ok := typev1.GeoPrecision_name[int32(p.GetPrecision())]; !ok {
		v.Add(field+".precision", "unknown value %d", p.GetPrecision())
	}
}

// validateMGRS reports a grid reference that does not parse, or that names a square the
// point given with it does not lie in.
func validateMGRS(v *apperr.Violations, field string, p *typev1.Place) {
	if len(p.GetMgrs()) > reqcheck.MaxShortLen {
		v.Add(field+".mgrs", "must be at most %d characters", reqcheck.MaxShortLen)
		return
	}
	m, err := grid.ParseMGRS(p.GetMgrs())
	if err != nil {
		v.Add(field+".mgrs", "is not an MGRS grid reference: %v", err)
		return
	}
	if p.GetPoint() == nil {
		return
	}
	pt := LatLngFromProto(p.GetPoint())
	if got, err := grid.ToMGRS(pt.Lat, pt.Lng, max(m.Digits, 1)); err == nil && m.Digits > 0 && got != m.String() {
		v.Add(field+".mgrs", "names square %s, but the point lies in %s", m.String(), got)
	}
}
