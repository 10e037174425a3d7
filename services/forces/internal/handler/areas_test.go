package handler_test

import (
	"context"
	"math"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

const (
	qarachoghLine  = "forces/peshmerga/units/makhmour-front/areas/qarachogh-line"
	makhmourSector = "forces/iraqi-army/units/makhmour-sector-brigade/areas/makhmour-sector"
)

func square(lat, lng, d float64) *typev1.Polygon {
	pts := [][2]float64{{lat, lng}, {lat, lng + d}, {lat + d, lng + d}, {lat + d, lng}, {lat, lng}}
	r := &typev1.LinearRing{}
	for _, p := range pts {
		r.Points = append(r.Points, &typev1.LatLng{Latitude: p[0], Longitude: p[1]})
	}
	return &typev1.Polygon{Exterior: r}
}

func ts(y int, m time.Month, d int) *timestamppb.Timestamp {
	return timestamppb.New(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// A unit's areas are its history: drawn with who and when, ended, never redrawn in place.
func TestAreaHistory(t *testing.T) {
	ctx := context.Background()
	c := forcesv1.NewAreaServiceClient(newConn(t))

	first, err := c.CreateArea(ctx, &forcesv1.CreateAreaRequest{Parent: brigade, AreaId: "gwer-road", RequestId: "area-1",
		Area: &forcesv1.Area{Title: "Gwer road", Geometry: &forcesv1.Area_Polygon{Polygon: square(35.9, 43.4, 0.1)},
			StartTime: ts(2021, 6, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	a := first.GetArea()
	if a.GetName() != brigade+"/areas/gwer-road" || a.GetUnit() != brigade || a.GetDrawnBy() != shammari ||
		a.GetCreateTime() == nil || a.GetGeojson() == "" || a.GetPolygon() == nil {
		t.Fatalf("created %v", a)
	}
	// 0.1 degree square at 35.9 N: about 11.1 km by 9.0 km.
	if km2 := a.GetAreaKm2(); math.Abs(km2-100.2) > 1.5 {
		t.Errorf("area_km2 = %.2f, want about 100", km2)
	}
	again, err := c.CreateArea(ctx, &forcesv1.CreateAreaRequest{Parent: brigade, AreaId: "gwer-road", RequestId: "area-1",
		Area: &forcesv1.Area{Title: "Gwer road", Geometry: &forcesv1.Area_Polygon{Polygon: square(35.9, 43.4, 0.1)},
			StartTime: ts(2021, 6, 1)}})
	if err != nil || again.GetArea().GetEtag() != a.GetEtag() {
		t.Fatalf("retry: %v, %v", again, err)
	}
	_, err = c.EndArea(ctx, &forcesv1.EndAreaRequest{Name: a.GetName(), EndTime: ts(2021, 5, 1), RequestId: "end-0"})
	wantFailure(t, "end before start", err, failure{code: codes.InvalidArgument, fields: []string{"end_time"}})
	ended, err := c.EndArea(ctx, &forcesv1.EndAreaRequest{Name: a.GetName(), EndTime: ts(2021, 12, 1), Etag: a.GetEtag(), RequestId: "end-1"})
	if err != nil || ended.GetArea().GetEndedBy() != shammari || !ended.GetArea().GetEndTime().AsTime().Equal(ts(2021, 12, 1).AsTime()) {
		t.Fatalf("end: %v, %v", ended, err)
	}
	_, err = c.EndArea(ctx, &forcesv1.EndAreaRequest{Name: a.GetName(), RequestId: "end-2"})
	wantFailure(t, "end twice", err, failure{code: codes.FailedPrecondition, reason: "AREA_ENDED"})
	redrawn, err := c.CreateArea(ctx, &forcesv1.CreateAreaRequest{Parent: brigade, AreaId: "gwer-road-2",
		Area: &forcesv1.Area{Geometry: &forcesv1.Area_Polygon{Polygon: square(35.9, 43.4, 0.2)}, StartTime: ts(2021, 12, 1)}})
	if err != nil {
		t.Fatal(err)
	}

	list := func(parent string, at *timestamppb.Timestamp) []string {
		t.Helper()
		var names []string
		tok := ""
		for {
			resp, err := c.ListAreas(ctx, &forcesv1.ListAreasRequest{Parent: parent, ValidTime: at, PageSize: 1, PageToken: tok})
			if err != nil {
				t.Fatalf("ListAreas(%s): %v", parent, err)
			}
			for _, a := range resp.GetAreas() {
				names = append(names, a.GetName())
			}
			if tok = resp.GetNextPageToken(); tok == "" {
				return names
			}
		}
	}
	history := list(brigade, nil)
	if len(history) != 3 || history[0] != a.GetName() || history[1] != redrawn.GetArea().GetName() || history[2] != makhmourSector {
		t.Errorf("history of %s = %v", brigade, history)
	}
	if got := list(brigade, ts(2021, 11, 15)); len(got) != 2 || got[0] != a.GetName() || got[1] != makhmourSector {
		t.Errorf("held on 15 November = %v", got)
	}
	if got := list(brigade, ts(2021, 12, 2)); len(got) != 2 || got[0] != redrawn.GetArea().GetName() {
		t.Errorf("held on 2 December = %v", got)
	}
	if got := list("forces/-/units/-", ts(2021, 12, 2)); len(got) != 3 || got[2] != qarachoghLine {
		t.Errorf("every unit's on 2 December = %v", got)
	}
	if got := list("forces/peshmerga/units/-", nil); len(got) != 1 || got[0] != qarachoghLine {
		t.Errorf("the Peshmerga's = %v", got)
	}
}

func TestCreateAreaRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	c := forcesv1.NewAreaServiceClient(newConn(t))
	bowtie := square(35.9, 43.4, 0.1)
	bowtie.Exterior.Points[1], bowtie.Exterior.Points[2] = bowtie.Exterior.Points[2], bowtie.Exterior.Points[1]
	tests := []struct {
		name   string
		req    *forcesv1.CreateAreaRequest
		fields []string
	}{
		{"no area", &forcesv1.CreateAreaRequest{Parent: brigade}, []string{"area"}},
		{"bad parent and id", &forcesv1.CreateAreaRequest{Parent: "units/x", AreaId: "X",
			Area: &forcesv1.Area{Geometry: &forcesv1.Area_Polygon{Polygon: square(35.9, 43.4, 0.1)}, StartTime: ts(2021, 1, 1)}},
			[]string{"parent", "area_id"}},
		{"crossing ring, no start", &forcesv1.CreateAreaRequest{Parent: brigade,
			Area: &forcesv1.Area{Geometry: &forcesv1.Area_Polygon{Polygon: bowtie}}}, []string{"area.start_time", "area.polygon"}},
		{"window over ten years", &forcesv1.CreateAreaRequest{Parent: brigade,
			Area: &forcesv1.Area{Geometry: &forcesv1.Area_Polygon{Polygon: square(35.9, 43.4, 0.1)}, StartTime: ts(2010, 1, 1), EndTime: ts(2021, 1, 1)}},
			[]string{"area.end_time"}},
		{"no geometry", &forcesv1.CreateAreaRequest{Parent: brigade, Area: &forcesv1.Area{StartTime: ts(2021, 1, 1)}}, []string{"area"}},
		{"GeoJSON line", &forcesv1.CreateAreaRequest{Parent: brigade,
			Area: &forcesv1.Area{Geojson: `{"type":"LineString","coordinates":[[43,35],[44,36]]}`, StartTime: ts(2021, 1, 1)}},
			[]string{"area.geojson"}},
	}
	for _, tt := range tests {
		_, err := c.CreateArea(ctx, tt.req)
		wantFailure(t, tt.name, err, failure{code: codes.InvalidArgument, fields: tt.fields})
	}
	_, err := c.CreateArea(ctx, &forcesv1.CreateAreaRequest{Parent: "forces/peshmerga/units/no-such-unit",
		Area: &forcesv1.Area{Geometry: &forcesv1.Area_Polygon{Polygon: square(35.9, 43.4, 0.1)}, StartTime: ts(2021, 1, 1)}})
	wantFailure(t, "unknown unit", err, failure{code: codes.NotFound})
	_, err = c.ListAreas(ctx, &forcesv1.ListAreasRequest{Parent: "forces/-/units/makhmour-front"})
	wantFailure(t, "list a unit of any force", err, failure{code: codes.InvalidArgument, fields: []string{"parent"}})
	_, err = c.ListAreas(ctx, &forcesv1.ListAreasRequest{Parent: "forces/peshmerga"})
	wantFailure(t, "list a force, not its units", err, failure{code: codes.InvalidArgument, fields: []string{"parent"}})
}
