package geo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

func TestIndex(t *testing.T) {
	x := NewIndex()
	must(t, x.Insert("zones/makhmour", makhmour))
	must(t, x.Insert("zones/kirkuk-sinjar", kirkukSinjar))
	// A wide zone over the whole of the north that overlaps both.
	must(t, x.Insert("zones/north", Polygon{Exterior: square(34, 41, 37, 46)}))
	// Two overlapping parts of one zone, which must be listed once.
	must(t, x.Insert("zones/qarachogh", MultiPolygon{
		{Exterior: square(35.80, 43.60, 35.90, 43.70)},
		{Exterior: square(35.84, 43.64, 35.95, 43.75)},
	}))

	tests := []struct {
		name string
		pt   Point
		want []string
	}{
		{"Makhmour town", makhmourTown, []string{"zones/makhmour", "zones/north"}},
		{"Qarachogh", qarachogh, []string{"zones/makhmour", "zones/north", "zones/qarachogh"}},
		{"Kirkuk", kirkuk, []string{"zones/kirkuk-sinjar", "zones/north"}},
		{"Sinjar", sinjar, []string{"zones/kirkuk-sinjar", "zones/north"}},
		{"Baghdad", Point{33.31, 44.36}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := x.Containing(tt.pt); !slices.Equal(got, tt.want) {
				t.Errorf("Containing(%v) = %q, want %q", tt.pt, got, tt.want)
			}
		})
	}
	if got, want := x.Len(), 4; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}

	// Insert refuses an id it holds; Replace moves the zone.
	if err := x.Insert("zones/makhmour", kirkukSinjar); !errors.Is(err, ErrExists) {
		t.Errorf("Insert(existing) error = %v, want ErrExists", err)
	}
	must(t, x.Replace("zones/makhmour", kirkukSinjar))
	if got, want := x.Containing(makhmourTown), []string{"zones/north"}; !slices.Equal(got, want) {
		t.Errorf("after Replace, Containing(Makhmour town) = %q, want %q", got, want)
	}
	if got, want := x.Containing(kirkuk), []string{"zones/kirkuk-sinjar", "zones/makhmour", "zones/north"}; !slices.Equal(got, want) {
		t.Errorf("after Replace, Containing(Kirkuk) = %q, want %q", got, want)
	}

	// An invalid geometry is refused and leaves the zone as it was.
	var invalid *InvalidGeometryError
	if err := x.Replace("zones/makhmour", Polygon{Exterior: Ring{{0, 0}, {1, 1}, {0, 1}, {1, 0}, {0, 0}}}); !errors.As(err, &invalid) || invalid.Violations[0].Field != "exterior.points[2]" {
		t.Errorf("Replace(bowtie) error = %v, want an InvalidGeometryError about exterior.points[2]", err)
	}
	if got, want := x.Containing(kirkuk), []string{"zones/kirkuk-sinjar", "zones/makhmour", "zones/north"}; !slices.Equal(got, want) {
		t.Errorf("after a refused Replace, Containing(Kirkuk) = %q, want %q", got, want)
	}

	// Delete removes every part of a zone.
	if !x.Delete("zones/qarachogh") {
		t.Error("Delete(zones/qarachogh) = false, want true")
	}
	if x.Delete("zones/qarachogh") {
		t.Error("second Delete(zones/qarachogh) = true, want false")
	}
	if got, want := x.Containing(Point{35.92, 43.72}), []string{"zones/north"}; !slices.Equal(got, want) {
		t.Errorf("after Delete, Containing = %q, want %q", got, want)
	}
	if got, want := x.Len(), 3; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
}

func TestAppendContainingKeepsPrefix(t *testing.T) {
	x := NewIndex()
	must(t, x.Insert("b", makhmour))
	must(t, x.Insert("a", makhmour))
	got := x.AppendContaining([]string{"z"}, makhmourTown)
	if want := []string{"z", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("AppendContaining() = %q, want %q", got, want)
	}
}

// TestIndexMatchesScan checks the index against testing every zone exactly, on random
// zones and points, through inserts, replacements and deletions, with readers running
// alongside the writer (run with -race).
func TestIndexMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 1000
	radius := coveringRadius(n) * 2 // denser than a map, so that zones overlap often
	zones := make(map[string]Geometry, n)
	x := NewIndex()
	for i := range n {
		id := fmt.Sprintf("zones/z%04d", i)
		zones[id] = randomZone(rng, radius)
		must(t, x.Insert(id, zones[id]))
	}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(r), 9))
			for {
				select {
				case <-stop:
					return
				default:
					x.Containing(randomPoint(rng))
				}
			}
		})
	}
	for i := 0; i < n; i += 3 {
		id := fmt.Sprintf("zones/z%04d", i)
		if i%2 == 0 {
			x.Delete(id)
			delete(zones, id)
			continue
		}
		zones[id] = randomZone(rng, radius)
		must(t, x.Replace(id, zones[id]))
	}
	close(stop)
	wg.Wait()

	var s scan
	for id, g := range zones {
		s.add(id, g)
	}
	if got, want := x.Len(), len(zones); got != want {
		t.Fatalf("Len() = %d, want %d", got, want)
	}
	// Random points, and the zones' own corners, which lie on boundaries: the index
	// must follow orb's boundary rule exactly.
	points := make([]Point, 0, 12000)
	for range 10000 {
		points = append(points, randomPoint(rng))
	}
	for _, g := range zones {
		p := g.(Polygon)
		points = append(points, p.Exterior[rng.IntN(len(p.Exterior))])
		for _, h := range p.Holes {
			points = append(points, h[rng.IntN(len(h))])
		}
	}
	hits := 0
	for _, pt := range points {
		got, want := x.Containing(pt), s.containingBoxed(pt)
		if !slices.Equal(got, want) {
			t.Fatalf("Containing(%v) = %q, want %q", pt, got, want)
		}
		hits += len(got)
	}
	// Guard against a vacuous pass: the random zones must actually be hit.
	if hits < 10000 {
		t.Fatalf("only %d hits in %d points: the random zones are too sparse to test anything", hits, len(points))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
