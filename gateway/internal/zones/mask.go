package zones

import (
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/fieldmask"
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
	set := fieldmask.Check(v, paths, updatable)
	areas := 0
	for i, p := range paths {
		if set[p] && (p == areaPolygon || p == areaMultiPolygon || p == areaGeoJSON) {
			if areas++; areas > 1 {
				v.Add(apperr.Index("update_mask.paths", i), "name only one of polygon, multi_polygon and geojson")
			}
		}
	}
	return set
}

// areaChanged reports whether the mask replaces the area.
func areaChanged(paths map[string]bool) bool {
	return paths[areaPolygon] || paths[areaMultiPolygon] || paths[areaGeoJSON]
}

func applyMask(dst *Zone, src Zone, paths map[string]bool) {
	fieldmask.Apply(dst, src, paths, updatable)
}
