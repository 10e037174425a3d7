package coverage_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/changes"
	"github.com/tansiq/tansiq/gateway/internal/coverage"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/store/storetest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// Sizes of the picture benchmark's world: the same as the coverage benchmark's.
const (
	benchZones       = 1000
	benchIncidents   = 100_000
	benchDeployments = 1000
	// benchZone is the zone whose picture is asked for; it is given a few deployments of
	// its own besides its share of the random ones, so its picture lists some.
	benchZone = "zones/z0500"
)

// BenchmarkPicture computes the operational picture of one zone, as GetOperationalPicture
// does, with 1,000 zones in the catalog, 100,000 placed incidents over 60 days in the
// placer's memory (where the gateway keeps them) and 1,000 deployments of mixed states in
// the deployments collection of the embedded store (storetest.DB): the picture reads its
// deployments and the picture feed's position from the store on every call, so those two
// round trips are part of what is measured. No meeting service is configured, so the
// picture is made without action items (no third round trip).
func BenchmarkPicture(b *testing.B) {
	ctx := context.Background()
	h := benchHandler(b, ctx)
	req := &gatewayv1.GetOperationalPictureRequest{Zone: benchZone}
	b.Run("one-zone", func(b *testing.B) {
		b.ReportAllocs()
		var resp *gatewayv1.GetOperationalPictureResponse
		for b.Loop() {
			var err error
			if resp, err = h.GetOperationalPicture(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
		pics := resp.GetZonePictures()
		if len(pics) != 1 || len(pics[0].GetRecentIncidents()) == 0 || len(pics[0].GetActiveDeployments())+len(pics[0].GetProposedDeployments()) == 0 {
			b.Fatalf("picture = %v: the benchmark measures an empty picture", pics)
		}
	})
}

// benchHandler builds the picture handler over the benchmark's world.
func benchHandler(b *testing.B, ctx context.Context) *coverage.Handler {
	b.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	now := time.Now().UTC().Truncate(time.Millisecond)
	randomTime := func(days int) time.Time {
		return now.Add(-time.Duration(rng.Int64N(int64(days) * int64(24*time.Hour)))).Truncate(time.Millisecond)
	}
	db := storetest.DB(b)
	feed, err := changes.New(ctx, db, slog.Default())
	if err != nil {
		b.Fatal(err)
	}
	catalog := zones.NewCatalog()
	names := make([]string, benchZones)
	for i := range names {
		names[i] = fmt.Sprintf("zones/z%04d", i)
		// A grid of 0.1° squares over northern Iraq: the geometry only has to be valid.
		lat, lng := 34.0+float64(i/40)*0.1, 42.0+float64(i%40)*0.1
		geojson := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[2]g,%[1]g],[%[4]g,%[1]g],[%[4]g,%[3]g],[%[2]g,%[3]g],[%[2]g,%[1]g]]]}`,
			lat, lng, lat+0.1, lng+0.1)
		d := &zones.Doc{Name: names[i], Owner: "forces/peshmerga", Seq: int64(i + 1), CreateTime: now, UpdateTime: now,
			Body: zones.Zone{DisplayName: localized.Name{English: names[i]}, Kind: "ZONE_KIND_DISPUTED_TERRITORY", GeoJSON: geojson}}
		if err := catalog.Put(d); err != nil {
			b.Fatal(err)
		}
	}
	mem := placement.NewMemory()
	kinds := []string{"INCIDENT_KIND_ARMED_ATTACK", "INCIDENT_KIND_IED", "INCIDENT_KIND_KIDNAPPING"}
	for i := range benchIncidents {
		zs := []string{names[rng.IntN(benchZones)]}
		if rng.IntN(10) == 0 {
			zs = append(zs, names[rng.IntN(benchZones)])
		}
		slices.Sort(zs)
		zs = slices.Compact(zs)
		at := randomTime(60)
		mem.Put(placement.Placement{Name: fmt.Sprintf("incidents/i%06d", i), Zones: zs, Title: "Attack on a village",
			Kind: kinds[rng.IntN(len(kinds))], OccurTime: at, Place: place.Place{Point: place.LatLng{Lat: 35.8, Lng: 43.6}},
			Casualties: int32(rng.IntN(6)), State: "INCIDENT_STATE_REPORTED", UpdateTime: at, PlaceTime: at})
	}
	deps, err := deployments.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	states := []string{deployments.StateProposed, deployments.StateActive, deployments.StateActive, deployments.StateEnded, deployments.StateCancelled}
	docs := make([]any, benchDeployments)
	for i := range docs {
		zone := names[rng.IntN(benchZones)]
		if i < 4 {
			zone = benchZone
		}
		start := randomTime(60)
		body := deployments.Deployment{Title: "Joint task force", Zone: zone,
			Units:     []string{"forces/peshmerga/units/front", "forces/iraqi-army/units/brigade"},
			LeadForce: "forces/peshmerga", ProposingForce: "forces/peshmerga", Forces: []string{"forces/iraqi-army", "forces/peshmerga"},
			State: states[(i+rng.IntN(len(states)))%len(states)]}
		body.SetWindow(start, start.Add(time.Duration(3+rng.IntN(18))*24*time.Hour))
		name := fmt.Sprintf("deployments/d%04d", i)
		docs[i] = &deployments.Doc{Name: name, Owner: "forces/peshmerga", Etag: "e", Seq: int64(i + 1), Change: "created",
			RequestID: name, CreateTime: start, UpdateTime: start, Body: body}
	}
	if _, err := deps.Mongo().InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	return coverage.New(coverage.Config{Catalog: catalog, Placer: placement.NewPlacer(mem, catalog, feed, nil),
		Deployments: deps, Changes: feed, Tokens: pagetoken.New("bench")})
}
