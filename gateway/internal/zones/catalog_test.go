package zones_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// squareJSON is the stored area of a zone around a point: a counter-clockwise polygon.
func squareJSON(lat, lng, d float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}`,
		lng-d, lat-d, lng+d, lat-d, lng+d, lat+d, lng-d, lat+d, lng-d, lat-d)
}

func openZones(t *testing.T, db *mongo.Database, timing store.Timing) *zones.Store {
	t.Helper()
	s, err := zones.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Tune(timing)
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// retried makes a write as a client does: again, with its request id, on UNAVAILABLE (on a
// busy machine a write may outlast the test's write timeout).
func retried(t *testing.T, write func() error) {
	t.Helper()
	err := write()
	for retries := 0; apperr.IsKind(err, apperr.KindUnavailable) && retries < 5; retries++ {
		err = write()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestCatalogBehindThePrunedLogReloads: a gateway cut off from the store for longer than
// half of KeepFor while another replica changes the zones and prunes the log reloads its
// zones cache when it reads the log again; its catalog, whose feed position the log no
// longer holds (RESUME_TOKEN_EXPIRED), reloads too and ends with the same zones as the
// store (created, reshaped and deleted meanwhile), in its spatial index, with placement
// told of each zone whose area changed.
func TestCatalogBehindThePrunedLogReloads(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := storetest.DB(t)
	pruning := store.Timing{Poll: 20 * time.Millisecond, WriteTimeout: 5 * time.Second, Settle: 5500 * time.Millisecond,
		Keep: 10, KeepFor: time.Nanosecond, PruneEvery: 100 * time.Millisecond} // KeepFor: 2 x Settle
	other := openZones(t, db, pruning)
	create := func(name string, lat float64) {
		retried(t, func() error {
			_, err := other.Create(ctx, &zones.Doc{Name: name, Owner: "forces/peshmerga", RequestID: "create-" + name,
				Body: zones.Zone{Kind: "ZONE_KIND_DISPUTED_TERRITORY", GeoJSON: squareJSON(lat, 44, 0.1)}})
			return err
		})
	}
	for _, z := range []struct {
		name string
		lat  float64
	}{{"zones/kept", 35}, {"zones/reshaped", 36}, {"zones/deleted", 37}} {
		create(z.name, z.lat)
	}

	lagging := pruning
	lagging.Poll = time.Hour // it does not follow the log on its own: it stands for a gateway cut off
	behind := openZones(t, db, lagging)
	loaded := time.Now()
	catalog := zones.NewCatalog()
	if err := catalog.Load(ctx, behind, nil); err != nil {
		t.Fatal(err)
	}
	from, err := behind.CurrentSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	moved := map[string]bool{}
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		catalog.Follow(ctx, behind, from, func(zone string) { mu.Lock(); moved[zone] = true; mu.Unlock() }, nil)
	}()
	defer func() { cancel(); <-followed }()

	// Meanwhile, through the other replica: a zone reshaped, one deleted, one created, and
	// more than two blocks of the log (64 entries each) of edits, which it prunes.
	retried(t, func() error {
		_, err := other.Update(ctx, store.Change{Name: "zones/reshaped", Verb: "updated", RequestID: "reshape"},
			func(d *zones.Doc) error { d.Body.GeoJSON = squareJSON(30, 44, 0.1); return nil })
		return err
	})
	retried(t, func() error {
		err := other.Delete(ctx, "zones/deleted", "")
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil // deleted by an earlier try
		}
		return err
	})
	create("zones/new", 38)
	for i := range 150 {
		retried(t, func() error {
			_, err := other.Update(ctx, store.Change{Name: "zones/kept", Verb: "updated", RequestID: fmt.Sprintf("edit-%d", i)},
				func(d *zones.Doc) error { d.Body.Description = fmt.Sprintf("edit %d", i); return nil })
			return err
		})
	}
	top, err := other.CurrentSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log := db.Collection("zones_log")
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		kept, err := log.CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if kept <= top-2*64 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d log entries still kept after 2 minutes: the other replica does not prune", kept, top)
		}
	}

	// Back: the lagging gateway has been away longer than half of KeepFor (2 x Settle), so
	// its next read of the log finds the pruned blocks' marks and reloads its cache.
	time.Sleep(time.Until(loaded.Add(pruning.Settle + 500*time.Millisecond)))
	if seq, err := behind.CurrentSeq(ctx); err != nil || seq != top {
		t.Fatalf("the lagging replica reads the log to %d (%v), want %d", seq, err, top)
	}

	want, err := other.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range want {
		names = append(names, d.Name)
	}
	if !slices.Equal(names, []string{"zones/kept", "zones/new", "zones/reshaped"}) {
		t.Fatalf("the store holds %v", names)
	}
	// How soon the catalog reloads is not what this checks: only that it does (the guard
	// is against a catalog that never does).
	for deadline := time.Now().Add(time.Minute); !slices.Equal(catalog.Names(), names); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the lagging gateway's catalog holds %v a minute after its cache reloaded, the store %v", catalog.Names(), names)
		}
	}
	if e, ok := catalog.Get("zones/kept"); !ok || e.Doc.Body.Description != "edit 149" {
		t.Errorf("zones/kept in the catalog: %+v, want its latest state (edit 149)", e)
	}
	for _, c := range []struct {
		lat  float64
		want []string
	}{{35, []string{"zones/kept"}}, {36, nil}, {30, []string{"zones/reshaped"}}, {37, nil}, {38, []string{"zones/new"}}} {
		if got := catalog.Containing(pointOf(c.lat, 44)); !slices.Equal(got, c.want) {
			t.Errorf("zones containing (%v, 44): %v, want %v", c.lat, got, c.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, z := range []string{"zones/reshaped", "zones/deleted", "zones/new"} {
		if !moved[z] {
			t.Errorf("placement not told that %s's area changed (told: %v)", z, moved)
		}
	}
}
