package placement_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// notes records the zones notified.
type notes struct {
	mu    sync.Mutex
	zones []string
}

func (n *notes) Updated(_ context.Context, zone string, _ ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.zones = append(n.zones, zone)
}

func (n *notes) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.zones
	n.zones = nil
	slices.Sort(out)
	return out
}

// env is a placer over a real store, with zones written through the zone service.
type env struct {
	db      *placement.Store
	zstore  *zones.Store
	catalog *zones.Catalog
	placer  *placement.Placer
	zonesvc gatewayv1.ZoneServiceClient
	notes   *notes
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := gwtest.Context(t)
	db := storetest.DB(t)
	e := &env{catalog: zones.NewCatalog(), notes: &notes{}}
	var err error
	if e.db, err = placement.NewStore(ctx, db); err != nil {
		t.Fatal(err)
	}
	if e.zstore, err = zones.NewStore(ctx, db); err != nil {
		t.Fatal(err)
	}
	e.placer = placement.NewPlacer(e.db, placement.NewMemory(1000), e.catalog, e.notes, nil)
	h := zones.New(zones.Config{Store: e.zstore, Catalog: e.catalog, Tokens: pagetoken.New("t"), Threats: e.placer, Placer: e.placer})
	e.zonesvc = gatewayv1.NewZoneServiceClient(gwtest.Serve(t, func(s *grpc.Server) { h.Register(s) }))
	return e
}

func (e *env) zone(t *testing.T, id string, lat, lng, d float64) {
	t.Helper()
	_, err := e.zonesvc.CreateZone(gwtest.Context(t), &gatewayv1.CreateZoneRequest{ZoneId: id, Zone: &gatewayv1.Zone{
		DisplayName: &typev1.LocalizedName{English: id}, Kind: gatewayv1.ZoneKind_ZONE_KIND_DISPUTED_TERRITORY,
		Geometry: &gatewayv1.Zone_Polygon{Polygon: &typev1.Polygon{Exterior: gwtest.Square(lat, lng, d)}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) zonesOf(t *testing.T, incident string) []string {
	t.Helper()
	p, ok, err := e.db.Get(gwtest.Context(t), incident)
	if err != nil || !ok {
		t.Fatalf("placement of %s: %v, found %v", incident, err, ok)
	}
	return p.Zones
}

func TestPlace(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.Context(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.zone(t, "qarachogh", 35.85, 43.65, 0.05)
	in := gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18)
	if err := e.placer.Place(ctx, in); err != nil {
		t.Fatal(err)
	}
	if got := e.zonesOf(t, in.GetName()); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("placed in %v", got)
	}
	if got := e.notes.take(); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("notified %v", got)
	}
	// The same event again (a replay) changes nothing and notifies no one.
	if err := e.placer.Place(ctx, in); err != nil {
		t.Fatal(err)
	}
	if got := e.notes.take(); got != nil {
		t.Errorf("a replay notified %v", got)
	}
	// Moved out of Qarachogh by a correction of its place.
	in.Place.Point = &typev1.LatLng{Latitude: 35.7, Longitude: 43.5}
	in.UpdateTime = timestamppb.Now()
	if err := e.placer.Place(ctx, in); err != nil {
		t.Fatal(err)
	}
	if got := e.zonesOf(t, in.GetName()); !slices.Equal(got, []string{"zones/makhmour"}) {
		t.Errorf("after the move: placed in %v", got)
	}
	if got := e.notes.take(); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("after the move: notified %v, want the zone left and the zone kept", got)
	}
	// Outside every zone: stored, in no zone.
	out := gwtest.Incident("incidents/erbil", 36.19, 44.01, gwtest.At(12, 3, 0), 0)
	if err := e.placer.Place(ctx, out); err != nil {
		t.Fatal(err)
	}
	if got := e.zonesOf(t, out.GetName()); len(got) != 0 {
		t.Errorf("Erbil placed in %v, want no zone", got)
	}
}

func TestZoneChangesReplace(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.Context(t)
	kulajo := gwtest.Incident("incidents/kulajo", 34.75, 44.90, gwtest.At(11, 27, 21), 10)
	if err := e.placer.Place(ctx, kulajo); err != nil {
		t.Fatal(err)
	}
	if got := e.zonesOf(t, kulajo.GetName()); len(got) != 0 {
		t.Fatalf("placed in %v before any zone exists", got)
	}
	e.zone(t, "kifri", 34.7, 44.95, 0.2) // created over the incident: it is re-placed into it
	if got := e.zonesOf(t, kulajo.GetName()); !slices.Equal(got, []string{"zones/kifri"}) {
		t.Errorf("after the zone was created: placed in %v", got)
	}
	in, err := e.placer.Between(ctx, []string{"zones/kifri"}, gwtest.At(11, 1, 0), gwtest.At(12, 1, 0))
	if err != nil || len(in) != 1 {
		t.Errorf("Between(kifri, November) = %v, %v; want the Kulajo attack", in, err)
	}
	if _, err := e.zonesvc.DeleteZone(gwtest.Context(t), &gatewayv1.DeleteZoneRequest{Name: "zones/kifri"}); err != nil {
		t.Fatal(err)
	}
	if got := e.zonesOf(t, kulajo.GetName()); len(got) != 0 {
		t.Errorf("after the zone was deleted: placed in %v", got)
	}
}

func TestReconcileAtStart(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.Context(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	in := gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18)
	if err := e.placer.Place(ctx, in); err != nil {
		t.Fatal(err)
	}
	// A zone written without its re-placement (a crash between the two), then a restart.
	if _, err := e.zstore.Create(ctx, &zones.Doc{Name: "zones/qarachogh", Body: zones.Zone{Kind: "ZONE_KIND_DISPUTED_TERRITORY",
		GeoJSON: `{"type":"Polygon","coordinates":[[[43.6,35.8],[43.7,35.8],[43.7,35.9],[43.6,35.9],[43.6,35.8]]]}`}}); err != nil {
		t.Fatal(err)
	}
	catalog := zones.NewCatalog()
	if err := catalog.Load(ctx, e.zstore, nil); err != nil {
		t.Fatal(err)
	}
	mem := placement.NewMemory(1000)
	p := placement.NewPlacer(e.db, mem, catalog, nil, nil)
	if err := p.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.zonesOf(t, in.GetName()); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("after reconcile: placed in %v", got)
	}
	if mem.Len() != 1 {
		t.Errorf("memory holds %d incidents after reconcile, want 1", mem.Len())
	}
	if level, _ := p.Threat("zones/qarachogh", gwtest.At(12, 10, 0)); level < 5 {
		t.Errorf("Threat(qarachogh) = %v after reconcile, want high", level)
	}
}
