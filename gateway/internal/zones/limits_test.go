package zones_test

import (
	"fmt"
	"math"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/gateway/internal/geo"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// holey is a square zone with n small triangular holes in a grid inside it; with
// outside set, the holes lie outside the square, which makes the zone invalid.
func holey(n int, outside bool) *gatewayv1.Zone {
	z := square("Holes", 35.0, 44.0, 1.0)
	side := int(math.Ceil(math.Sqrt(float64(n))))
	step := 1.6 / float64(side)
	base := 34.2
	if outside {
		base = 40.0
	}
	for i := range n {
		lat, lng := base+float64(i/side)*step, 43.2+float64(i%side)*step
		d := step / 4
		// Triangles: 4 points each, the fewest a ring takes, as the attack used.
		z.GetPolygon().Holes = append(z.GetPolygon().Holes, ring(
			[2]float64{lat, lng}, [2]float64{lat, lng + d}, [2]float64{lat + d, lng}, [2]float64{lat, lng}))
	}
	return z
}

// TestCreateZoneAuthorizesBeforeCheckingGeometry repeats issue 13, row 4: a viewer's
// polygon with thousands of holes cost seconds of gateway CPU before PERMISSION_DENIED.
// A geometry that is wrong shows the order: checked first, it would be INVALID_ARGUMENT.
func TestCreateZoneAuthorizesBeforeCheckingGeometry(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.CreateZone(gwtest.As(gwtest.Context(t), gwtest.IraqiViewer),
		&gatewayv1.CreateZoneRequest{Zone: holey(100, true), ZoneId: "holes"})
	gwtest.WantFailure(t, "viewer with a bad geometry", err, gwtest.Failure{Code: codes.PermissionDenied})
	bad := holey(100, true)
	bad.Name = e.create(t, "owned", square("Owned", 35, 44, 0.5)).GetName()
	_, err = e.client.UpdateZone(gwtest.As(gwtest.Context(t), gwtest.IraqiOperator), &gatewayv1.UpdateZoneRequest{
		Zone: bad, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"polygon"}}})
	gwtest.WantFailure(t, "other force's update with a bad geometry", err, gwtest.Failure{Code: codes.PermissionDenied})
}

// TestZoneRingCountIsBounded: the operator's version of row 4, 4,094 holes (16,380
// points, within the point limit), is refused as INVALID_ARGUMENT naming the ring limit,
// before the quadratic checks between holes run.
func TestZoneRingCountIsBounded(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.CreateZone(gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator),
		&gatewayv1.CreateZoneRequest{Zone: holey(4094, false), ZoneId: "holes"})
	gwtest.WantFailure(t, "4,094 holes", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"zone.polygon"}})
	if _, err := e.client.CreateZone(gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator),
		&gatewayv1.CreateZoneRequest{Zone: holey(geo.MaxRings-1, false), ZoneId: "at-the-limit"}); err != nil {
		t.Errorf("%d holes (the limit): %v", geo.MaxRings-1, err)
	}
}

// bigZone is a zone with the most points allowed: MaxPoints/MaxRingPoints polygons, each
// a circle of MaxRingPoints points.
func bigZone(name string, lat float64) *gatewayv1.Zone {
	mp := &typev1.MultiPolygon{}
	for p := range geo.MaxPoints / geo.MaxRingPoints {
		r := &typev1.LinearRing{}
		for i := range geo.MaxRingPoints - 1 {
			a := 2 * math.Pi * float64(i) / float64(geo.MaxRingPoints-1)
			r.Points = append(r.Points, &typev1.LatLng{Latitude: lat + 0.1*math.Sin(a), Longitude: 40 + float64(p)*0.3 + 0.1*math.Cos(a)})
		}
		r.Points = append(r.Points, r.GetPoints()[0])
		mp.Polygons = append(mp.Polygons, &typev1.Polygon{Exterior: r})
	}
	z := square(name, 0, 0, 0)
	z.Geometry = &gatewayv1.Zone_MultiPolygon{MultiPolygon: mp}
	return z
}

// TestListZonesPagesBySize repeats issue 13, row 5: seven zones of the largest size made
// ListZones fail for everyone with RESOURCE_EXHAUSTED (a 7 MB reply). Now every page
// stays under the 4 MiB limit and the pages together hold every zone.
func TestListZonesPagesBySize(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		e.create(t, fmt.Sprintf("big-%d", i), bigZone(fmt.Sprintf("Big %d", i), 30+float64(i)))
	}
	ctx := gwtest.As(gwtest.Context(t), gwtest.IraqiViewer)
	seen, pages, token := 0, 0, ""
	for {
		resp, err := e.client.ListZones(ctx, &gatewayv1.ListZonesRequest{PageSize: 50, PageToken: token})
		if err != nil {
			t.Fatalf("ListZones page %d: %v", pages+1, err)
		}
		if n := proto.Size(resp); n > 4<<20 {
			t.Fatalf("page %d is %d bytes, over the 4 MiB limit", pages+1, n)
		}
		seen, pages, token = seen+len(resp.GetZones()), pages+1, resp.GetNextPageToken()
		if token == "" {
			break
		}
	}
	if seen != 7 || pages < 2 {
		t.Errorf("listed %d zones in %d pages, want 7 in more than one", seen, pages)
	}
	resp, err := e.client.SearchZones(ctx, &gatewayv1.SearchZonesRequest{Query: "Big"})
	if err != nil {
		t.Fatalf("SearchZones: %v", err)
	}
	if len(resp.GetZones()) == 0 || resp.GetNextPageToken() == "" {
		t.Errorf("SearchZones: %d zones, token %q; want a first page and a token", len(resp.GetZones()), resp.GetNextPageToken())
	}
}
