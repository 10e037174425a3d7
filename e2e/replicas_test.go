package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// convergence is how soon a write through one replica is served by the other: a quiet
// log's follower reads it every 500 ms (platform/store Timing.IdlePoll), with room for a
// loaded 2-core machine. The README states it.
const convergence = time.Second

// TestReplicas runs a second incident service and a second gateway (B) on the shared
// system's store beside its own (A), and checks what the README promises of several
// replicas.
func TestReplicas(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "tansiq-e2e-replicas-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	b, err := env.StartReplicas(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	token := env.Token("e2e-replicas", harness.Peshmerga, auth.RoleOperator)
	a := replica(t, env.Addr(stack.Gateway), token)
	bb := replica(t, b.Addr(stack.Gateway), token)

	t.Run("ZoneWrittenThroughAIsPlacedAndServedByB", func(t *testing.T) { zoneAcross(ctx, t, a, bb) })
	t.Run("OneOfTwoOverlappingProposalsBooksTheUnit", func(t *testing.T) { bookingAcross(ctx, t, a, bb) })
	t.Run("SameEtagThroughTwoReplicasOneWins", func(t *testing.T) { etagAcross(ctx, t, a, bb) })
	t.Run("WatchOnBFollowsAAndResumesAfterBIsKilled", func(t *testing.T) { watchAcross(ctx, t, a, bb, b) })
}

// clients are one replica's APIs, through its gateway.
type clients struct {
	incidents   incidentv1.IncidentServiceClient
	zones       gatewayv1.ZoneServiceClient
	deployments gatewayv1.DeploymentServiceClient
	coverage    gatewayv1.CoverageServiceClient
}

func replica(t *testing.T, addr, token string) clients {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(auth.BearerCredentials(token, false)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return clients{incidentv1.NewIncidentServiceClient(conn), gatewayv1.NewZoneServiceClient(conn),
		gatewayv1.NewDeploymentServiceClient(conn), gatewayv1.NewCoverageServiceClient(conn)}
}

// somewhere is a point in the western desert no seed zone covers, different each run.
func somewhere() (lat, lng float64) {
	return 32 + rand.Float64(), 40 + rand.Float64()
}

func zoneAcross(ctx context.Context, t *testing.T, a, b clients) {
	lat, lng := somewhere()
	at := time.Date(2021, 12, 3, 4, 0, 0, 0, time.UTC)
	in := ied("E2E-"+store.NewID(), at)
	in.Place.Point = &typev1.LatLng{Latitude: lat, Longitude: lng}
	inc, err := a.incidents.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: in})
	if err != nil {
		t.Fatal(err)
	}
	d := 0.05
	created, err := a.zones.CreateZone(ctx, &gatewayv1.CreateZoneRequest{Zone: &gatewayv1.Zone{
		DisplayName: &typev1.LocalizedName{English: "Replica test " + store.NewID()},
		Kind:        gatewayv1.ZoneKind_ZONE_KIND_DISPUTED_TERRITORY,
		Geojson: fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}`,
			lng-d, lat-d, lng+d, lat-d, lng+d, lat+d, lng-d, lat+d, lng-d, lat-d)}})
	if err != nil {
		t.Fatal(err)
	}
	zone := created.GetZone().GetName()
	written := time.Now()
	// Served by B: found by its point (the catalog's spatial index, fed by its follower),
	// with the incident placed in it (B's placement of incidents, re-placed for the zone).
	var served, placed time.Duration
	for time.Since(written) < convergence && (served == 0 || placed == 0) {
		if served == 0 {
			got, err := b.zones.ListZonesContaining(ctx, &gatewayv1.ListZonesContainingRequest{Point: &typev1.LatLng{Latitude: lat, Longitude: lng}})
			if err == nil && slices.ContainsFunc(got.GetZones(), func(z *gatewayv1.Zone) bool { return z.GetName() == zone }) {
				served = time.Since(written)
			}
		}
		if placed == 0 {
			pic, err := b.coverage.GetOperationalPicture(ctx, &gatewayv1.GetOperationalPictureRequest{Zone: zone,
				StartTime: timestamppb.New(at.Add(-time.Hour)), EndTime: timestamppb.New(at.Add(time.Hour))})
			if err == nil && len(pic.GetZonePictures()) == 1 && slices.ContainsFunc(pic.GetZonePictures()[0].GetRecentIncidents(),
				func(s *gatewayv1.IncidentSummary) bool { return s.GetName() == inc.GetIncident().GetName() }) {
				placed = time.Since(written)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if served == 0 || placed == 0 {
		t.Fatalf("within %s of its creation through A, %s served by B: %v, with %s placed in it: %v",
			convergence, zone, served > 0, inc.GetIncident().GetName(), placed > 0)
	}
	t.Logf("zone served by B after %s, incident placed in it after %s", served, placed)
}

func bookingAcross(ctx context.Context, t *testing.T, a, b clients) {
	const unit = "forces/peshmerga/units/general-command"
	units := []string{unit, "forces/iraqi-army/units/joint-operations-command"}
	// A window of its own each run, far in the future: no other test books it.
	start := time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rand.IntN(300_000)) * time.Hour)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []clients{a, b} {
		wg.Go(func() {
			_, errs[i] = c.deployments.ProposeDeployment(ctx, &gatewayv1.ProposeDeploymentRequest{Deployment: &gatewayv1.Deployment{
				Zone: "zones/makhmour", Units: units, LeadForce: harness.Peshmerga,
				StartTime: timestamppb.New(start.Add(time.Duration(i) * time.Hour)),
				EndTime:   timestamppb.New(start.Add(48 * time.Hour))}})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		if _, reason := wantCode(t, err, codes.FailedPrecondition); reason != "UNIT_DOUBLE_BOOKED" {
			t.Errorf("refused with reason %q, want UNIT_DOUBLE_BOOKED", reason)
		}
	}
	if ok != 1 {
		t.Errorf("%d of two overlapping proposals of %s through A and B booked it (%v), want exactly 1", ok, unit, errs)
	}
}

func etagAcross(ctx context.Context, t *testing.T, a, b clients) {
	created, err := a.incidents.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: ied("E2E-"+store.NewID(), time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	in := created.GetIncident()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []clients{a, b} {
		wg.Go(func() {
			_, errs[i] = c.incidents.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{
				Incident:   &incidentv1.Incident{Name: in.GetName(), Etag: in.GetEtag(), Title: fmt.Sprintf("Corrected by writer %d", i)},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title"}}})
		})
	}
	wg.Wait()
	won, aborted := 0, 0
	for _, err := range errs {
		switch status.Code(err) {
		case codes.OK:
			won++
		case codes.Aborted:
			aborted++
		default:
			t.Errorf("UpdateIncident: %v", err)
		}
	}
	if won != 1 || aborted != 1 {
		t.Errorf("two writers with one etag through A and B: %d won, %d ABORTED; want 1 and 1", won, aborted)
	}
}

func watchAcross(ctx context.Context, t *testing.T, a, b clients, bStack *stack.Stack) {
	district := "E2E-" + store.NewID()
	watchCtx, stop := context.WithCancel(ctx)
	defer stop()
	watch, err := b.incidents.WatchIncidents(watchCtx, &incidentv1.WatchIncidentsRequest{StartAtNow: true})
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan *incidentv1.WatchIncidentsResponse)
	ended := make(chan error, 1)
	go func() {
		for {
			ev, err := watch.Recv()
			if err != nil {
				ended <- err
				return
			}
			select {
			case events <- ev:
			case <-watchCtx.Done():
				return
			}
		}
	}()
	next := func(after []string) *incidentv1.WatchIncidentsResponse {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case err := <-ended:
			t.Fatalf("watch on B after %v: %v", after, err)
		case <-ctx.Done():
			t.Fatalf("watch on B after %v: %v", after, ctx.Err())
		}
		return nil
	}
	create := func(district string, n int) string {
		t.Helper()
		r, err := a.incidents.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: ied(district, time.Date(2021, 12, n, 0, 0, 0, 0, time.UTC))})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetIncident().GetName()
	}
	// The watch starts at "now" once B's incident service takes it, which the client
	// cannot see: probes are written through A until one comes, so that the writes
	// checked below are made while the watch is live, however slowly it started.
	probe := district + "-probe"
	for live := false; !live; {
		create(probe, 1)
		retry := time.After(2 * convergence)
	wait:
		for !live {
			select {
			case ev := <-events:
				live = ev.GetIncident().GetDistrict() == probe
			case err := <-ended:
				t.Fatalf("watch on B: %v", err)
			case <-retry:
				break wait // not live yet when the probe was written: another
			}
		}
	}
	var want []string
	for n := 1; n <= 3; n++ {
		want = append(want, create(district, n))
	}
	// B sees A's writes in order; the watch is kept as a client would: the last token.
	var got []string
	var token string
	for len(got) < len(want) {
		if ev := next(got); ev.GetIncident().GetDistrict() == district {
			got, token = append(got, ev.GetIncident().GetName()), ev.GetResumeToken()
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("watch on B saw %v, want A's writes in order %v", got, want)
	}
	stop()

	// B dies (both its processes); A goes on writing; B comes back and the watch resumes.
	for _, name := range []string{stack.Gateway, stack.Incident} {
		if err := bStack.Kill(name); err != nil {
			t.Fatal(err)
		}
	}
	later := []string{create(district, 4), create(district, 5)}
	for _, name := range []string{stack.Incident, stack.Gateway} {
		if err := bStack.WaitHealthy(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	var resumed incidentv1.IncidentService_WatchIncidentsClient
	for {
		resumed, err = b.incidents.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{ResumeToken: token})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	later = append(later, create(district, 6))
	got = nil
	for len(got) < len(later) {
		ev, err := resumed.Recv()
		if err != nil {
			t.Fatalf("resumed watch on B after %v: %v", got, err)
		}
		if ev.GetIncident().GetDistrict() == district {
			got = append(got, ev.GetIncident().GetName())
		}
	}
	if !slices.Equal(got, later) {
		t.Errorf("resumed watch on B saw %v, want only what came after its token, in order: %v", got, later)
	}
}
