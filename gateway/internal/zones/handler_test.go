package zones_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// fakes records what the handler tells its collaborators and answers for them.
type fakes struct {
	mu       sync.Mutex
	placed   []string          // zones re-placed
	notified []string          // "updated zones/x" or "removed zones/x"
	blocking map[string]string // zone -> blocking deployment
	levels   map[string]assess.Level
}

func (f *fakes) ZoneChanged(_ context.Context, zone string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.placed = append(f.placed, zone)
	return nil
}

func (f *fakes) Updated(_ context.Context, zone string, _ ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notified = append(f.notified, "updated "+zone)
}

func (f *fakes) Removed(_ context.Context, zone string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notified = append(f.notified, "removed "+zone)
}

func (f *fakes) Blocking(_ context.Context, zone string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.blocking[zone], nil
}

// Fence: these tests hold the deployments in the fake, decided by no other process.
func (f *fakes) Fence(context.Context) error { return nil }

func (f *fakes) Threat(zone string, _ time.Time) (assess.Level, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if l, ok := f.levels[zone]; ok {
		return l, "as the test says"
	}
	return assess.LevelMinimal, "no incidents in the last 90 days"
}

func (f *fakes) record() ([]string, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.placed), slices.Clone(f.notified)
}

type env struct {
	client  gatewayv1.ZoneServiceClient
	store   *zones.Store
	catalog *zones.Catalog
	fakes   *fakes
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := gwtest.Context(t)
	s, err := zones.NewStore(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	f := &fakes{blocking: map[string]string{}, levels: map[string]assess.Level{}}
	cat := zones.NewCatalog()
	h := zones.New(zones.Config{Store: s, Catalog: cat, Tokens: pagetoken.New("test"), Threats: f, Placer: f, Notifier: f, Guard: f})
	conn := gwtest.Serve(t, func(s *grpc.Server) { h.Register(s) })
	return &env{client: gatewayv1.NewZoneServiceClient(conn), store: s, catalog: cat, fakes: f}
}

// square is a zone around a point, given as a polygon.
func square(en string, lat, lng, d float64) *gatewayv1.Zone {
	return &gatewayv1.Zone{
		DisplayName: &typev1.LocalizedName{English: en},
		Kind:        gatewayv1.ZoneKind_ZONE_KIND_DISPUTED_TERRITORY,
		Geometry:    &gatewayv1.Zone_Polygon{Polygon: &typev1.Polygon{Exterior: gwtest.Square(lat, lng, d)}},
	}
}

func (e *env) create(t *testing.T, id string, z *gatewayv1.Zone) *gatewayv1.Zone {
	t.Helper()
	resp, err := e.client.CreateZone(gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator),
		&gatewayv1.CreateZoneRequest{Zone: z, ZoneId: id})
	if err != nil {
		t.Fatalf("CreateZone(%s): %v", id, err)
	}
	return resp.GetZone()
}

func ring(pts ...[2]float64) *typev1.LinearRing {
	r := &typev1.LinearRing{}
	for _, p := range pts {
		r.Points = append(r.Points, &typev1.LatLng{Latitude: p[0], Longitude: p[1]})
	}
	return r
}

func TestCreateZoneValidation(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator)
	withArea := func(f func(z *gatewayv1.Zone)) *gatewayv1.Zone {
		z := square("Makhmour", 35.8, 43.6, 0.2)
		f(z)
		return z
	}
	tests := []struct {
		name   string
		req    *gatewayv1.CreateZoneRequest
		fields []string
	}{
		{"no zone", &gatewayv1.CreateZoneRequest{}, []string{"zone"}},
		{"no name, kind or area", &gatewayv1.CreateZoneRequest{Zone: &gatewayv1.Zone{}},
			[]string{"zone.display_name", "zone.kind", "zone.polygon"}},
		{"polygon and geojson", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geojson = `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`
		})}, []string{"zone.geojson"}},
		{"bowtie polygon", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geometry = &gatewayv1.Zone_Polygon{Polygon: &typev1.Polygon{Exterior: ring(
				[2]float64{0, 0}, [2]float64{1, 1}, [2]float64{0, 1}, [2]float64{1, 0}, [2]float64{0, 0})}}
		})}, []string{"zone.polygon.exterior.points[2]"}},
		{"open ring", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geometry = &gatewayv1.Zone_Polygon{Polygon: &typev1.Polygon{Exterior: ring(
				[2]float64{0, 0}, [2]float64{0, 1}, [2]float64{1, 1}, [2]float64{1, 0})}}
		})}, []string{"zone.polygon.exterior.points"}},
		{"latitude out of range", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geometry = &gatewayv1.Zone_Polygon{Polygon: &typev1.Polygon{Exterior: ring(
				[2]float64{0, 0}, [2]float64{95, 1}, [2]float64{1, 1}, [2]float64{0, 0})}}
		})}, []string{"zone.polygon.exterior.points[1].latitude"}},
		{"empty multipolygon", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geometry = &gatewayv1.Zone_MultiPolygon{MultiPolygon: &typev1.MultiPolygon{}}
		})}, []string{"zone.multi_polygon.polygons"}},
		{"geojson not JSON", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geometry, z.Geojson = nil, "{not json"
		})}, []string{"zone.geojson"}},
		{"geojson point", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geometry, z.Geojson = nil, `{"type":"Point","coordinates":[43.6,35.8]}`
		})}, []string{"zone.geojson"}},
		{"geojson bowtie", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Geometry, z.Geojson = nil, `{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`
		})}, []string{"zone.geojson"}},
		{"bad ids and governorates", &gatewayv1.CreateZoneRequest{Zone: withArea(func(z *gatewayv1.Zone) {
			z.Governorates = []string{"Erbil", "", "erbil"}
		}), ZoneId: "Makhmour!", RequestId: "has space"}, []string{"request_id", "zone.governorates[1]", "zone.governorates[2]", "zone_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.CreateZone(ctx, tt.req)
			gwtest.WantFailure(t, "CreateZone", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: tt.fields})
		})
	}
	if n := e.catalog.Len(); n != 0 {
		t.Errorf("catalog holds %d zones after refused creates, want 0", n)
	}
}

func TestCreateZoneGeoJSONReturnsEveryForm(t *testing.T) {
	e := newEnv(t)
	// Clockwise, inside a Feature: accepted, and returned counter-clockwise as a bare Polygon.
	cw := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[43.4,35.6],[43.4,36.0],[43.8,36.0],[43.8,35.6],[43.4,35.6]]]}}`
	z := e.create(t, "makhmour", &gatewayv1.Zone{DisplayName: &typev1.LocalizedName{English: "Makhmour"},
		Kind: gatewayv1.ZoneKind_ZONE_KIND_SHARED_SECURITY_INTEREST, Geojson: cw, Governorates: []string{"Erbil", "Nineveh"}})
	want := `{"type":"Polygon","coordinates":[[[43.4,35.6],[43.8,35.6],[43.8,36],[43.4,36],[43.4,35.6]]]}`
	if z.GetGeojson() != want {
		t.Errorf("geojson = %s\nwant     %s", z.GetGeojson(), want)
	}
	pts := z.GetPolygon().GetExterior().GetPoints()
	if len(pts) != 5 || pts[1].GetLongitude() != 43.8 || pts[1].GetLatitude() != 35.6 {
		t.Errorf("polygon = %v, want the same counter-clockwise ring", z.GetPolygon())
	}
	if z.GetName() != "zones/makhmour" || z.GetOwnerForce() != "forces/peshmerga" || z.GetEtag() == "" ||
		z.GetThreatLevel() != gatewayv1.ThreatLevel_THREAT_LEVEL_MINIMAL {
		t.Errorf("zone = %v, want zones/makhmour owned by the caller's force, with an etag and a threat level", z)
	}
	placed, notified := e.fakes.record()
	if !slices.Equal(placed, []string{"zones/makhmour"}) || !slices.Equal(notified, []string{"updated zones/makhmour"}) {
		t.Errorf("re-placed %v, notified %v; want the new zone each once", placed, notified)
	}
}

func TestCreateZoneIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator)
	req := &gatewayv1.CreateZoneRequest{Zone: square("Sinjar", 36.3, 41.8, 0.3), ZoneId: "sinjar", RequestId: "r-1"}
	first, err := e.client.CreateZone(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.CreateZone(ctx, req)
	if err != nil || again.GetZone().GetEtag() != first.GetZone().GetEtag() {
		t.Fatalf("retry = %v, %v; want the first result", again, err)
	}
	req.Zone.Description = "changed"
	_, err = e.client.CreateZone(ctx, req)
	gwtest.WantFailure(t, "same request id, other request", err, gwtest.Failure{Code: codes.InvalidArgument, Reason: "REQUEST_ID_REUSED", Fields: []string{"request_id"}})
	req.RequestId = "r-2"
	_, err = e.client.CreateZone(ctx, req)
	gwtest.WantFailure(t, "same id, new request", err, gwtest.Failure{Code: codes.AlreadyExists})
}

func TestCreateZoneAuthorization(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.CreateZone(gwtest.As(gwtest.Context(t), gwtest.IraqiViewer),
		&gatewayv1.CreateZoneRequest{Zone: square("Kirkuk", 35.47, 44.4, 0.3), ZoneId: "kirkuk"})
	gwtest.WantFailure(t, "viewer creates", err, gwtest.Failure{Code: codes.PermissionDenied})
	if e.catalog.Len() != 0 {
		t.Error("a refused create reached the catalog")
	}
}

func TestUpdateZone(t *testing.T) {
	e := newEnv(t)
	z := e.create(t, "kifri", square("Kifri", 34.7, 44.9, 0.3))
	ctx := gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator)
	mask := func(p ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: p} }

	upd := &gatewayv1.Zone{Name: z.GetName(), Etag: z.GetEtag(), DisplayName: &typev1.LocalizedName{English: "Kifri", Aliases: []string{"Garmiyan"}}}
	got, err := e.client.UpdateZone(ctx, &gatewayv1.UpdateZoneRequest{Zone: upd, UpdateMask: mask("display_name")})
	if err != nil {
		t.Fatal(err)
	}
	if g := got.GetZone(); g.GetDisplayName().GetAliases()[0] != "Garmiyan" || g.GetEtag() == z.GetEtag() || g.GetKind() != z.GetKind() {
		t.Errorf("updated = %v: want the new name, a new etag and the kind unchanged", g)
	}
	if placed, _ := e.fakes.record(); len(placed) != 1 {
		t.Errorf("a name change re-placed incidents: %v", placed)
	}

	_, err = e.client.UpdateZone(ctx, &gatewayv1.UpdateZoneRequest{Zone: upd, UpdateMask: mask("display_name")})
	gwtest.WantFailure(t, "stale etag", err, gwtest.Failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"})

	_, err = e.client.UpdateZone(ctx, &gatewayv1.UpdateZoneRequest{Zone: &gatewayv1.Zone{Name: z.GetName()}, UpdateMask: mask("owner_force", "polygon", "geojson")})
	gwtest.WantFailure(t, "bad mask", err, gwtest.Failure{Code: codes.InvalidArgument,
		Fields: []string{"update_mask.paths[0]", "update_mask.paths[2]", "zone.polygon"}})

	area := &gatewayv1.Zone{Name: z.GetName(), Geojson: `{"type":"Polygon","coordinates":[[[44.5,34.5],[45.5,34.5],[45.5,35.5],[44.5,34.5]]]}`}
	got, err = e.client.UpdateZone(ctx, &gatewayv1.UpdateZoneRequest{Zone: area, UpdateMask: mask("geojson")})
	if err != nil {
		t.Fatal(err)
	}
	if placed, _ := e.fakes.record(); len(placed) != 2 || placed[1] != z.GetName() {
		t.Errorf("re-placed %v after an area change, want %s again", placed, z.GetName())
	}
	if names := e.catalog.Containing(pointOf(34.7, 45.3)); !slices.Equal(names, []string{z.GetName()}) {
		t.Errorf("Containing(new area) = %v, want the zone", names)
	}

	for _, who := range []struct {
		name string
		ctx  context.Context
	}{
		{"other force", gwtest.As(gwtest.Context(t), gwtest.IraqiOperator)},
		{"viewer", gwtest.As(gwtest.Context(t), gwtest.IraqiViewer)},
	} {
		_, err := e.client.UpdateZone(who.ctx, &gatewayv1.UpdateZoneRequest{Zone: &gatewayv1.Zone{Name: z.GetName(), Description: "x"}, UpdateMask: mask("description")})
		gwtest.WantFailure(t, who.name, err, gwtest.Failure{Code: codes.PermissionDenied})
	}
	stored, err := e.store.Get(gwtest.Context(t), z.GetName())
	if err != nil || stored.Body.Description != "" {
		t.Errorf("stored description = %q (%v), want it untouched by refused updates", stored.Body.Description, err)
	}
}

func TestDeleteZone(t *testing.T) {
	e := newEnv(t)
	z := e.create(t, "khanaqin", square("Khanaqin", 34.35, 45.39, 0.3))
	ctx := gwtest.As(gwtest.Context(t), gwtest.PeshmergaOperator)
	e.fakes.blocking[z.GetName()] = "deployments/joint-1"
	_, err := e.client.DeleteZone(ctx, &gatewayv1.DeleteZoneRequest{Name: z.GetName()})
	gwtest.WantFailure(t, "delete with a deployment", err, gwtest.Failure{Code: codes.FailedPrecondition, Reason: "ZONE_HAS_DEPLOYMENTS"})
	if gwtest.Metadata(err)["deployment"] != "deployments/joint-1" {
		t.Errorf("metadata = %v, want the blocking deployment named", gwtest.Metadata(err))
	}
	_, err = e.client.DeleteZone(gwtest.As(gwtest.Context(t), gwtest.IraqiOperator), &gatewayv1.DeleteZoneRequest{Name: z.GetName()})
	gwtest.WantFailure(t, "other force deletes", err, gwtest.Failure{Code: codes.PermissionDenied})

	delete(e.fakes.blocking, z.GetName())
	req := &gatewayv1.DeleteZoneRequest{Name: z.GetName(), RequestId: "del-1"}
	for i := range 2 { // the second is a retry
		if _, err := e.client.DeleteZone(ctx, req); err != nil {
			t.Fatalf("DeleteZone #%d: %v", i+1, err)
		}
	}
	_, err = e.client.GetZone(ctx, &gatewayv1.GetZoneRequest{Name: z.GetName()})
	gwtest.WantFailure(t, "get deleted", err, gwtest.Failure{Code: codes.NotFound})
	if names := e.catalog.Containing(pointOf(34.35, 45.39)); len(names) != 0 {
		t.Errorf("deleted zone still found by point: %v", names)
	}
	if _, notified := e.fakes.record(); notified[len(notified)-1] != "removed "+z.GetName() {
		t.Errorf("notified %v, want the removal last", notified)
	}
}

func TestListZonesContaining(t *testing.T) {
	e := newEnv(t)
	e.create(t, "makhmour", square("Makhmour", 35.8, 43.6, 0.3))
	e.create(t, "qarachogh", square("Qarachogh", 35.85, 43.65, 0.05))
	e.create(t, "kirkuk", square("Kirkuk", 35.47, 44.4, 0.3))
	ctx := gwtest.Context(t)
	tests := []struct {
		lat, lng float64
		want     []string
	}{
		{35.83, 43.62, []string{"zones/makhmour", "zones/qarachogh"}},
		{35.7, 43.5, []string{"zones/makhmour"}},
		{35.47, 44.4, []string{"zones/kirkuk"}},
		{36.19, 44.01, nil},
	}
	for _, tt := range tests {
		resp, err := e.client.ListZonesContaining(ctx, &gatewayv1.ListZonesContainingRequest{Point: &typev1.LatLng{Latitude: tt.lat, Longitude: tt.lng}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, z := range resp.GetZones() {
			got = append(got, z.GetName())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ListZonesContaining(%v, %v) = %v, want %v", tt.lat, tt.lng, got, tt.want)
		}
	}
	_, err := e.client.ListZonesContaining(ctx, &gatewayv1.ListZonesContainingRequest{Point: &typev1.LatLng{Latitude: 91}})
	gwtest.WantFailure(t, "bad point", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"point.latitude"}})
}

func TestSearchZones(t *testing.T) {
	e := newEnv(t)
	mk := square("Makhmour", 35.8, 43.6, 0.3)
	mk.DisplayName = &typev1.LocalizedName{Arabic: "مخمور", English: "Makhmour", Aliases: []string{"Makhmur", "Mexmûr"}}
	e.create(t, "makhmour", mk)
	e.create(t, "makhmur-north", square("Makhmur North", 36.0, 43.6, 0.1))
	e.create(t, "kirkuk", square("Kirkuk", 35.47, 44.4, 0.3))
	ctx := gwtest.Context(t)
	search := func(q string, size int32, tok string) ([]string, string) {
		t.Helper()
		resp, err := e.client.SearchZones(ctx, &gatewayv1.SearchZonesRequest{Query: q, PageSize: size, PageToken: tok})
		if err != nil {
			t.Fatalf("SearchZones(%q): %v", q, err)
		}
		var got []string
		for _, z := range resp.GetZones() {
			got = append(got, z.GetName())
		}
		return got, resp.GetNextPageToken()
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"makhmur", []string{"zones/makhmour", "zones/makhmur-north"}}, // the exact alias first
		{"MEXMÛR", []string{"zones/makhmour"}},
		{"مخمور", []string{"zones/makhmour"}},
		{"kirk", []string{"zones/kirkuk"}},
		{"erbil", nil},
	}
	for _, tt := range tests {
		if got, _ := search(tt.q, 0, ""); !slices.Equal(got, tt.want) {
			t.Errorf("SearchZones(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	page1, tok := search("makhmur", 1, "")
	page2, tok2 := search("makhmur", 1, tok)
	if !slices.Equal(append(page1, page2...), []string{"zones/makhmour", "zones/makhmur-north"}) || tok == "" || tok2 != "" {
		t.Errorf("pages %v %v (tokens %q, %q), want the two zones one a page", page1, page2, tok, tok2)
	}
	_, err := e.client.SearchZones(ctx, &gatewayv1.SearchZonesRequest{Query: strings.Repeat("x", 101)})
	gwtest.WantFailure(t, "long query", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"query"}})
	_, err = e.client.SearchZones(ctx, &gatewayv1.SearchZonesRequest{Query: "kirk", PageToken: tok})
	gwtest.WantFailure(t, "token of another query", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"page_token"}})
}

func TestListZones(t *testing.T) {
	e := newEnv(t)
	for _, z := range []struct {
		id, gov string
		level   assess.Level
	}{{"kifri", "Diyala", assess.LevelHigh}, {"khanaqin", "Diyala", assess.LevelLow}, {"kirkuk", "Kirkuk", assess.LevelExtreme}} {
		zz := square(z.id, 35, 44, 0.1)
		zz.Governorates = []string{z.gov}
		e.create(t, z.id, zz)
		e.fakes.levels["zones/"+z.id] = z.level
	}
	ctx := gwtest.Context(t)
	list := func(filter string, size int32, tok string) ([]string, string, error) {
		resp, err := e.client.ListZones(ctx, &gatewayv1.ListZonesRequest{Filter: filter, PageSize: size, PageToken: tok})
		var got []string
		for _, z := range resp.GetZones() {
			got = append(got, z.GetName())
		}
		return got, resp.GetNextPageToken(), err
	}
	tests := []struct {
		filter string
		want   []string
	}{
		{"", []string{"zones/khanaqin", "zones/kifri", "zones/kirkuk"}},
		{`governorate = "Diyala"`, []string{"zones/khanaqin", "zones/kifri"}},
		{"threat_level >= THREAT_LEVEL_HIGH", []string{"zones/kifri", "zones/kirkuk"}},
		{`governorate = "Diyala" AND threat_level > THREAT_LEVEL_LOW`, []string{"zones/kifri"}},
		{"kind = ZONE_KIND_OPERATIONS_AREA", nil},
		{`owner_force = "forces/peshmerga"`, []string{"zones/khanaqin", "zones/kifri", "zones/kirkuk"}},
	}
	for _, tt := range tests {
		got, _, err := list(tt.filter, 0, "")
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ListZones(%q) = %v, %v; want %v", tt.filter, got, err, tt.want)
		}
	}
	var all []string
	tok := ""
	for range 5 {
		got, next, err := list("", 2, tok)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got...)
		if tok = next; tok == "" {
			break
		}
	}
	if !slices.Equal(all, tests[0].want) {
		t.Errorf("paged = %v, want %v", all, tests[0].want)
	}
	_, _, err := list("colour = red", 0, "")
	gwtest.WantFailure(t, "unknown filter field", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"filter"}})
}

func TestListZonesOrderBy(t *testing.T) {
	e := newEnv(t)
	// Created kirkuk, khanaqin, kifri: their update times run in that order.
	for _, z := range []struct {
		id, gov string
		level   assess.Level
	}{{"kirkuk", "Kirkuk", assess.LevelExtreme}, {"khanaqin", "Diyala", assess.LevelLow}, {"kifri", "Diyala", assess.LevelHigh}} {
		zz := square(z.id, 35, 44, 0.1)
		zz.Governorates = []string{z.gov}
		e.create(t, z.id, zz)
		e.fakes.levels["zones/"+z.id] = z.level
		time.Sleep(2 * time.Millisecond) // stored times are kept to the millisecond
	}
	ctx := gwtest.Context(t)
	list := func(filter, orderBy string, size int32) ([]string, error) {
		var all []string
		tok := ""
		for range 10 {
			resp, err := e.client.ListZones(ctx, &gatewayv1.ListZonesRequest{Filter: filter, OrderBy: orderBy, PageSize: size, PageToken: tok})
			if err != nil {
				return nil, err
			}
			for _, z := range resp.GetZones() {
				all = append(all, strings.TrimPrefix(z.GetName(), "zones/"))
			}
			if tok = resp.GetNextPageToken(); tok == "" {
				break
			}
		}
		return all, nil
	}
	for _, tt := range []struct {
		filter, orderBy string
		want            []string
	}{
		{"", "", []string{"khanaqin", "kifri", "kirkuk"}},
		{"", "name", []string{"khanaqin", "kifri", "kirkuk"}},
		{"", "update_time", []string{"kirkuk", "khanaqin", "kifri"}},
		{"", "update_time desc", []string{"kifri", "khanaqin", "kirkuk"}},
		{`governorate = "Kirkuk" OR threat_level <= THREAT_LEVEL_LOW`, "update_time desc", []string{"khanaqin", "kirkuk"}},
		{`NOT governorate = "Kirkuk"`, "update_time", []string{"khanaqin", "kifri"}},
	} {
		for _, size := range []int32{1, 2, 50} {
			if got, err := list(tt.filter, tt.orderBy, size); err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("ListZones(%q, %q) in pages of %d = %v, %v; want %v", tt.filter, tt.orderBy, size, got, err, tt.want)
			}
		}
	}
	first, err := e.client.ListZones(ctx, &gatewayv1.ListZonesRequest{OrderBy: "update_time", PageSize: 1})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v", err)
	}
	_, err = e.client.ListZones(ctx, &gatewayv1.ListZonesRequest{PageToken: first.GetNextPageToken()})
	gwtest.WantFailure(t, "a token replayed under another order", err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"page_token"}})
	for _, bad := range []string{"threat_level", "name sideways", "name, update_time"} {
		_, err := e.client.ListZones(ctx, &gatewayv1.ListZonesRequest{OrderBy: bad})
		gwtest.WantFailure(t, "order_by "+bad, err, gwtest.Failure{Code: codes.InvalidArgument, Fields: []string{"order_by"}})
	}
}

// TestCatalogLoad is a restart: a new catalog loaded from the store finds what was written.
func TestCatalogLoad(t *testing.T) {
	e := newEnv(t)
	e.create(t, "makhmour", square("Makhmour", 35.8, 43.6, 0.3))
	e.create(t, "kirkuk", square("Kirkuk", 35.47, 44.4, 0.3))
	fresh := zones.NewCatalog()
	if err := fresh.Load(gwtest.Context(t), e.store, nil); err != nil {
		t.Fatal(err)
	}
	if got := fresh.Names(); !slices.Equal(got, []string{"zones/kirkuk", "zones/makhmour"}) {
		t.Errorf("loaded %v", got)
	}
	if got := fresh.Containing(pointOf(35.83, 43.62)); !slices.Equal(got, []string{"zones/makhmour"}) {
		t.Errorf("Containing(Khidr Jija) after load = %v", got)
	}
}
