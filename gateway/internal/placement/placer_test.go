package placement_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// notes records the zones notified, and each call's changes.
type notes struct {
	mu    sync.Mutex
	zones []string
	calls []map[string][]string
	delay time.Duration // each call takes this long, as a store write does
}

func (n *notes) UpdatedMany(_ context.Context, changes map[string][]string) {
	time.Sleep(n.delay)
	n.mu.Lock()
	defer n.mu.Unlock()
	for z := range changes {
		n.zones = append(n.zones, z)
	}
	n.calls = append(n.calls, changes)
}

func (n *notes) takeCalls() []map[string][]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.calls
	n.calls, n.zones = nil, nil
	return out
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
	mem     *placement.Memory
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
	if e.db, err = placement.NewStore(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if e.zstore, err = zones.NewStore(ctx, db); err != nil {
		t.Fatal(err)
	}
	e.mem = placement.NewMemory()
	e.placer = placement.NewPlacer(e.mem, e.catalog, e.notes, nil)
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
	p, ok := e.mem.Get(incident)
	if !ok {
		t.Fatalf("no placement of %s", incident)
	}
	return p.Zones
}

func TestPlace(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.Context(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.zone(t, "qarachogh", 35.85, 43.65, 0.05)
	in := gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18)
	e.placer.Place(ctx, in)
	if got := e.zonesOf(t, in.GetName()); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("placed in %v", got)
	}
	if got := e.notes.take(); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("notified %v", got)
	}
	// The same event again (a replay) changes nothing and notifies no one.
	e.placer.Place(ctx, in)
	if got := e.notes.take(); got != nil {
		t.Errorf("a replay notified %v", got)
	}
	// Moved out of Qarachogh by a correction of its place.
	in.Place.Point = &typev1.LatLng{Latitude: 35.7, Longitude: 43.5}
	in.UpdateTime = timestamppb.Now()
	e.placer.Place(ctx, in)
	if got := e.zonesOf(t, in.GetName()); !slices.Equal(got, []string{"zones/makhmour"}) {
		t.Errorf("after the move: placed in %v", got)
	}
	if got := e.notes.take(); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("after the move: notified %v, want the zone left and the zone kept", got)
	}
	// Outside every zone: stored, in no zone.
	out := gwtest.Incident("incidents/erbil", 36.19, 44.01, gwtest.At(12, 3, 0), 0)
	e.placer.Place(ctx, out)
	if got := e.zonesOf(t, out.GetName()); len(got) != 0 {
		t.Errorf("Erbil placed in %v, want no zone", got)
	}
}

func TestZoneChangesReplace(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.Context(t)
	kulajo := gwtest.Incident("incidents/kulajo", 34.75, 44.90, gwtest.At(11, 27, 21), 10)
	e.placer.Place(ctx, kulajo)
	if got := e.zonesOf(t, kulajo.GetName()); len(got) != 0 {
		t.Fatalf("placed in %v before any zone exists", got)
	}
	e.zone(t, "kifri", 34.7, 44.95, 0.2) // created over the incident: it is re-placed into it
	if got := e.zonesOf(t, kulajo.GetName()); !slices.Equal(got, []string{"zones/kifri"}) {
		t.Errorf("after the zone was created: placed in %v", got)
	}
	if in := e.placer.Between([]string{"zones/kifri"}, gwtest.At(11, 1, 0), gwtest.At(12, 1, 0)); len(in) != 1 {
		t.Errorf("Between(kifri, November) = %v; want the Kulajo attack", in)
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
	e.placer.Place(ctx, in)
	if err := e.db.Save(ctx, "1", e.mem.All()); err != nil {
		t.Fatal(err)
	}
	// A zone written after the snapshot without its re-placement (a crash between the
	// two), then a restart.
	if _, err := e.zstore.Create(ctx, &zones.Doc{Name: "zones/qarachogh", Body: zones.Zone{Kind: "ZONE_KIND_DISPUTED_TERRITORY",
		GeoJSON: `{"type":"Polygon","coordinates":[[[43.6,35.8],[43.7,35.8],[43.7,35.9],[43.6,35.9],[43.6,35.8]]]}`}}); err != nil {
		t.Fatal(err)
	}
	catalog := zones.NewCatalog()
	if err := catalog.Load(ctx, e.zstore, nil); err != nil {
		t.Fatal(err)
	}
	mem := placement.NewMemory()
	tok, err := e.db.Load(ctx, mem)
	if err != nil || tok != "1" {
		t.Fatalf("Load = %q, %v; want the saved token", tok, err)
	}
	n := &notes{}
	p := placement.NewPlacer(mem, catalog, n, nil)
	p.Reconcile(ctx)
	if got, _ := mem.Get(in.GetName()); !slices.Equal(got.Zones, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("after reconcile: placed in %v", got.Zones)
	}
	if got := n.take(); !slices.Equal(got, []string{"zones/makhmour", "zones/qarachogh"}) {
		t.Errorf("reconcile notified %v, want the zone entered and the zone kept", got)
	}
	if level, _ := p.Threat("zones/qarachogh", gwtest.At(12, 10, 0)); level < 5 {
		t.Errorf("Threat(qarachogh) = %v after reconcile, want high", level)
	}
}

// A batch notifies each zone it changes once, naming the incidents that changed it (at
// most MaxCauses), and a replay of the batch notifies no one.
func TestBatchNotifiesEachZoneOnce(t *testing.T) {
	e := newEnv(t)
	ctx := gwtest.Context(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.zone(t, "kifri", 34.7, 44.95, 0.2)
	e.notes.takeCalls()
	var batch []*incidentv1.Incident
	for i := range placement.MaxCauses + 10 {
		batch = append(batch, gwtest.Incident(fmt.Sprintf("incidents/m%02d", i), 35.83, 43.62, gwtest.At(12, 2, 19), 1))
	}
	kulajo := gwtest.Incident("incidents/kulajo", 34.75, 44.90, gwtest.At(11, 27, 21), 10)
	moved := proto.Clone(kulajo).(*incidentv1.Incident)
	moved.Place.Point = &typev1.LatLng{Latitude: 36.19, Longitude: 44.01} // out of every zone, later in the batch
	moved.UpdateTime = timestamppb.New(gwtest.At(11, 28, 0))
	batch = append(batch, kulajo, moved)
	if n := e.placer.Place(ctx, batch...); n != len(batch) {
		t.Errorf("Place = %d changed, want %d", n, len(batch))
	}
	calls := e.notes.takeCalls()
	if len(calls) != 1 {
		t.Fatalf("%d notifications for one batch, want 1: %v", len(calls), calls)
	}
	if got := slices.Sorted(maps.Keys(calls[0])); !slices.Equal(got, []string{"zones/kifri", "zones/makhmour"}) {
		t.Errorf("notified %v, want makhmour and kifri (entered and left within the batch)", got)
	}
	if got := calls[0]["zones/makhmour"]; len(got) != placement.MaxCauses || got[0] != "incidents/m00" {
		t.Errorf("makhmour's causes: %d starting %v, want the first %d", len(got), got[:1], placement.MaxCauses)
	}
	if got := calls[0]["zones/kifri"]; !slices.Equal(got, []string{"incidents/kulajo"}) {
		t.Errorf("kifri's causes: %v", got)
	}
	if got := e.zonesOf(t, "incidents/kulajo"); len(got) != 0 {
		t.Errorf("Kulajo placed in %v, want the batch's last version: no zone", got)
	}
	e.placer.Place(ctx, batch...) // a replay after a crash
	if calls := e.notes.takeCalls(); len(calls) != 1 || len(calls[0]) != 1 || len(calls[0]["zones/kifri"]) != 1 {
		// Only kulajo's first version differs from what memory holds, then its second.
		t.Errorf("replay notified %v, want kifri alone (Kulajo placed back and out again)", calls)
	}
}
