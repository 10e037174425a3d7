package zones

import (
	"github.com/tansiq/tansiq/platform/apperr"
)

// updatable lists the update_mask paths UpdateZone accepts; the area paths replace the
// area (stored as GeoJSON text whichever was given).
var updatable = map[string]func(dst *Zone, src Zone){
	"display_name": func(d *Zone, s Zone) { d.DisplayName = s.DisplayName },
	"kind":         func(d *Zone, s Zone) { d.Kind = s.Kind },
	"governorates": func(d *Zone, s Zone) { d.Governorates = s.Governorates },
	"description":  func(d *Zone, s Zone) { d.Description = s.Description },
	areaPolygon:    func(d *Zone, s Zone) { d.GeoJSON = s.GeoJSON },
	areaMultiPolygon: func(d *Zone, s Zone) {
		d.GeoJSON = s.GeoJSON
	},
	areaGeoJSON: func(d *Zone, s Zone) { d.GeoJSON = s.GeoJSON },
}

// validateMask checks the update_mask and returns its paths as a set; at most one area
// path may be named.
func validateMask(v *apperr.Violations, paths []string) map[string]bool {
	if len(paths) == 0 {
		v.Add("update_mask", "name at least one field to change")
		return nil
	}
	set := map[string]bool{}
	areas := 0
	for i, p := range paths {
		if _, ok := updatable[p]; !ok {
			v.Add(apperr.Index("update_mask.paths", i), "%q cannot be updated", p)
			continue
		}
		if p == areaPolygon || p == areaMultiPolygon || p == areaGeoJSON {
			if areas++; areas > 1 {
				v.Add(apperr.Index("update_mask.paths", i), "name only one of polygon, multi_polygon and geojson")
				continue
			}
		}
		set[p] = true
	}
	return set
}

// areaChanged reports whether the mask replaces the area.
func areaChanged(paths map[string]bool) bool {
	return paths[areaPolygon] || paths[areaMultiPolygon] || paths[areaGeoJSON]
}

func applyMask(dst *Zone, src Zone, paths map[string]bool) {
	for p := range paths {
		updatable[p](dst, src)
	}
}
