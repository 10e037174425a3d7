package geo

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// square returns the closed counter-clockwise ring of the square with corners
// (lat0, lng0) and (lat1, lng1).
func square(lat0, lng0, lat1, lng1 float64) Ring {
	return Ring{{lat0, lng0}, {lat0, lng1}, {lat1, lng1}, {lat1, lng0}, {lat0, lng0}}
}

func reversed(r Ring) Ring {
	r = slices.Clone(r)
	slices.Reverse(r)
	return r
}

func TestValidate(t *testing.T) {
	tooBig := make(Ring, MaxRingPoints+1)
	tests := []struct {
		name       string
		in         Geometry
		wantFields []string // fields of the violations, in order; nil when valid
		wantDesc   string   // substring of the first violation's description
	}{
		{name: "makhmour", in: makhmour},
		{name: "multipolygon", in: kirkukSinjar},
		{name: "clockwise winding", in: Polygon{Exterior: reversed(square(0, 0, 1, 1))}},
		{name: "hole inside", in: Polygon{Exterior: square(0, 0, 4, 4), Holes: []Ring{square(1, 1, 2, 2)}}},
		{name: "hole touching the exterior at a corner", in: Polygon{Exterior: square(0, 0, 4, 4), Holes: []Ring{{{0, 0}, {1, 2}, {2, 1}, {0, 0}}}}},
		{name: "repeated consecutive points", in: Polygon{Exterior: Ring{{0, 0}, {0, 1}, {0, 1}, {1, 1}, {1, 0}, {0, 0}, {0, 0}}}},
		{name: "nil", in: nil, wantFields: []string{""}, wantDesc: "required"},
		{name: "no exterior", in: Polygon{}, wantFields: []string{"exterior.points"}, wantDesc: "at least 4 points"},
		{name: "three points", in: Polygon{Exterior: Ring{{0, 0}, {0, 1}, {0, 0}}}, wantFields: []string{"exterior.points"}, wantDesc: "got 3"},
		{
			name:       "open ring",
			in:         Polygon{Exterior: Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}}},
			wantFields: []string{"exterior.points"},
			wantDesc:   "not closed",
		},
		{
			name:       "bowtie",
			in:         Polygon{Exterior: Ring{{0, 0}, {1, 1}, {0, 1}, {1, 0}, {0, 0}}},
			wantFields: []string{"exterior.points[2]"},
			wantDesc:   "from points[0] meets its edge from points[2]",
		},
		{
			name:       "figure eight through one vertex",
			in:         Polygon{Exterior: Ring{{0, 0}, {0, 2}, {1, 1}, {2, 2}, {2, 0}, {1, 1}, {0, 0}}},
			wantFields: []string{"exterior.points[4]"},
			wantDesc:   "crosses or touches itself",
		},
		{
			name:       "spike folding back",
			in:         Polygon{Exterior: Ring{{0, 0}, {0, 2}, {0, 1}, {1, 1}, {0, 0}}},
			wantFields: []string{"exterior.points[1]"},
			wantDesc:   "crosses or touches itself",
		},
		{
			name:       "collinear points enclose no area",
			in:         Polygon{Exterior: Ring{{0, 0}, {0, 1}, {0, 2}, {0, 0}}},
			wantFields: []string{"exterior.points[2]"},
			wantDesc:   "crosses or touches itself",
		},
		{
			name:       "two distinct corners",
			in:         Polygon{Exterior: Ring{{0, 0}, {0, 1}, {0, 1}, {0, 0}}},
			wantFields: []string{"exterior.points"},
			wantDesc:   "no area",
		},
		{
			name:       "latitude out of range",
			in:         Polygon{Exterior: Ring{{0, 0}, {91, 1}, {1, 1}, {0, 0}}},
			wantFields: []string{"exterior.points[1].latitude"},
			wantDesc:   "91 is outside [-90, 90]",
		},
		{
			name:       "longitude out of range and not finite",
			in:         Polygon{Exterior: Ring{{0, 0}, {1, -180.5}, {1, math.NaN()}, {0, 0}}},
			wantFields: []string{"exterior.points[1].longitude", "exterior.points[2].longitude"},
			wantDesc:   "outside [-180, 180]",
		},
		{
			name:       "hole outside",
			in:         Polygon{Exterior: square(0, 0, 4, 4), Holes: []Ring{square(5, 5, 6, 6)}},
			wantFields: []string{"holes[0].points[0]"},
			wantDesc:   "outside the exterior",
		},
		{
			name:       "hole crossing the exterior",
			in:         Polygon{Exterior: Ring{{0, 0}, {0, 4}, {2, 2}, {4, 4}, {4, 0}, {0, 0}}, Holes: []Ring{square(1, 1, 3, 3)}},
			wantFields: []string{"holes[0].points[1]"},
			wantDesc:   "runs outside the exterior",
		},
		{
			name:       "hole edge crossing a notch",
			in:         Polygon{Exterior: Ring{{0, 0}, {0, 4}, {4, 4}, {4, 2.5}, {2, 2}, {4, 1.5}, {4, 0}, {0, 0}}, Holes: []Ring{{{1, 1}, {1, 3}, {3.5, 3}, {3.5, 1}, {1, 1}}}},
			wantFields: []string{"holes[0].points[2]"},
			wantDesc:   "crosses the edge of exterior",
		},
		{
			name:       "overlapping holes",
			in:         Polygon{Exterior: square(0, 0, 10, 10), Holes: []Ring{square(1, 1, 3, 3), square(2, 2, 4, 4)}},
			wantFields: []string{"holes[1].points[0]"},
			wantDesc:   "crosses the edge of holes[0]",
		},
		{
			name:       "holes meeting only at corners but overlapping",
			in:         Polygon{Exterior: square(0, 0, 10, 10), Holes: []Ring{square(1, 1, 3, 3), {{1, 1}, {3, 3}, {3, 5}, {1, 5}, {1, 1}}}},
			wantFields: []string{"holes[1].points"},
			wantDesc:   "overlaps holes[0]",
		},
		{
			name: "holes side by side, touching at a corner",
			in:   Polygon{Exterior: square(0, 0, 10, 10), Holes: []Ring{square(1, 1, 3, 3), square(3, 3, 5, 5)}},
		},
		{
			name:       "nested holes",
			in:         Polygon{Exterior: square(0, 0, 10, 10), Holes: []Ring{square(1, 1, 5, 5), square(2, 2, 3, 3)}},
			wantFields: []string{"holes[1].points"},
			wantDesc:   "overlaps holes[0]",
		},
		{name: "empty multipolygon", in: MultiPolygon{}, wantFields: []string{"polygons"}, wantDesc: "at least one polygon"},
		{
			name:       "bad second polygon",
			in:         MultiPolygon{makhmour, {Exterior: Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}}}},
			wantFields: []string{"polygons[1].exterior.points"},
			wantDesc:   "not closed",
		},
		{name: "ring too long", in: Polygon{Exterior: tooBig}, wantFields: []string{"exterior.points"}, wantDesc: "more than the 2048 allowed"},
		{
			name:       "geometry too large",
			in:         MultiPolygon(slices.Repeat([]Polygon{{Exterior: make(Ring, MaxRingPoints)}}, MaxPoints/MaxRingPoints+1)),
			wantFields: []string{""},
			wantDesc:   "more than the 16384 allowed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.in)
			var gotFields []string
			for _, v := range got {
				gotFields = append(gotFields, v.Field)
			}
			if !slices.Equal(gotFields, tt.wantFields) {
				t.Fatalf("Validate() fields = %q, want %q (violations %v)", gotFields, tt.wantFields, got)
			}
			if len(got) > 0 && !strings.Contains(got[0].Description, tt.wantDesc) {
				t.Errorf("Validate()[0].Description = %q, want it to contain %q", got[0].Description, tt.wantDesc)
			}
		})
	}
}
