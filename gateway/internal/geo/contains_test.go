package geo

import "testing"

// Places from the seed scenario.
var (
	makhmourTown = Point{Lat: 35.7756, Lng: 43.5794}
	qarachogh    = Point{Lat: 35.85, Lng: 43.65}
	kirkuk       = Point{Lat: 35.470, Lng: 44.396}
	sinjar       = Point{Lat: 36.3225, Lng: 41.8642}
	erbil        = Point{Lat: 36.19, Lng: 44.01}
)

func TestContains(t *testing.T) {
	townHole := Polygon{Exterior: makhmour.Exterior, Holes: []Ring{square(35.75, 43.55, 35.80, 43.61)}}
	tests := []struct {
		name string
		g    Geometry
		pt   Point
		want bool
	}{
		{"Makhmour town in the Makhmour zone", makhmour, makhmourTown, true},
		{"Qarachogh in the Makhmour zone", makhmour, qarachogh, true},
		{"Kirkuk outside the Makhmour zone", makhmour, kirkuk, false},
		{"Erbil outside the Makhmour zone", makhmour, erbil, false},
		{"town in a hole", townHole, makhmourTown, false},
		{"Qarachogh outside the hole", townHole, qarachogh, true},
		{"on the exterior boundary", Polygon{Exterior: square(0, 0, 1, 1)}, Point{0, 0.5}, true},
		{"on a vertex", Polygon{Exterior: square(0, 0, 1, 1)}, Point{1, 1}, true},
		{"on a hole's boundary", Polygon{Exterior: square(0, 0, 4, 4), Holes: []Ring{square(1, 1, 2, 2)}}, Point{1, 1.5}, false},
		{"Kirkuk in the first part", kirkukSinjar, kirkuk, true},
		{"Sinjar in the second part", kirkukSinjar, sinjar, true},
		{"Makhmour in neither part", kirkukSinjar, makhmourTown, false},
		{"lat,lng not swapped", makhmour, Point{Lat: makhmourTown.Lng, Lng: makhmourTown.Lat}, false},
		{"nil geometry", nil, kirkuk, false},
		{"empty rings", MultiPolygon{{}, {Exterior: square(0, 0, 1, 1), Holes: []Ring{{}}}}, Point{0.5, 0.5}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Contains(tt.g, tt.pt); got != tt.want {
				t.Errorf("Contains(%v) = %v, want %v", tt.pt, got, tt.want)
			}
		})
	}
}
