package placement_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// run starts a follower of the fake incident service and returns a function that stops
// it and waits for it to end (a gateway restart, when a new one is started after).
func run(t *testing.T, e *env, fake *gwtest.Incidents) (stop func()) {
	t.Helper()
	conn := gwtest.Serve(t, func(s *grpc.Server) { incidentv1.RegisterIncidentServiceServer(s, fake) })
	ctx, cancel := context.WithCancel(context.Background())
	f := &placement.Follower{Client: incidentv1.NewIncidentServiceClient(conn), Placer: e.placer, Store: e.db,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	t.Cleanup(stop)
	return stop
}

// placedIn waits until the incident is stored in exactly the zones given.
func placedIn(t *testing.T, e *env, incident string, zones ...string) {
	t.Helper()
	gwtest.Eventually(t, incident+" placed in "+join(zones), func() bool {
		p, ok, err := e.db.Get(context.Background(), incident)
		return err == nil && ok && slices.Equal(p.Zones, zones)
	})
}

func join(xs []string) string {
	if len(xs) == 0 {
		return "no zone"
	}
	return xs[0] + "..."
}

func TestFollowerPlacesAndResumesAfterRestart(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.zone(t, "kifri", 34.7, 44.95, 0.2)
	fake := &gwtest.Incidents{}
	fake.Add(gwtest.Incident("incidents/kulajo", 34.75, 44.90, gwtest.At(11, 27, 21), 10))
	fake.Add(gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18))

	stop := run(t, e, fake)
	placedIn(t, e, "incidents/khidr-jija", "zones/makhmour")
	placedIn(t, e, "incidents/kulajo", "zones/kifri")
	gwtest.Eventually(t, "token saved", func() bool {
		tok, err := e.db.Token(context.Background())
		return err == nil && tok == "2"
	})
	stop()

	// While the gateway is down, an incident is recorded; a new follower over the same
	// store resumes after the last event placed and backfills it.
	fake.Add(gwtest.Incident("incidents/liheban", 35.86, 43.66, gwtest.At(12, 2, 19), 0))
	run(t, e, fake)
	placedIn(t, e, "incidents/liheban", "zones/makhmour")
	if got := fake.Tokens(); !slices.Equal(got, []string{"", "2"}) {
		t.Errorf("WatchIncidents called with tokens %q, want the start and then the stored token", got)
	}
	// Live events keep coming on the resumed stream.
	fake.Add(gwtest.Incident("incidents/erbil", 36.19, 44.01, gwtest.At(12, 5, 0), 0))
	placedIn(t, e, "incidents/erbil")
}

func TestFollowerRetriesWhileIncidentServiceIsDown(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	fake := &gwtest.Incidents{}
	fake.FailNext(3)
	fake.Add(gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18))
	run(t, e, fake)
	placedIn(t, e, "incidents/khidr-jija", "zones/makhmour")
	if got := len(fake.Tokens()); got != 4 {
		t.Errorf("%d WatchIncidents calls, want 3 refused and 1 served", got)
	}
}

func TestFollowerReplaysWhenItsTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	if err := e.db.SaveToken(context.Background(), "from-another-incident-database"); err != nil {
		t.Fatal(err)
	}
	fake := &gwtest.Incidents{}
	fake.Add(gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18))
	run(t, e, fake)
	placedIn(t, e, "incidents/khidr-jija", "zones/makhmour")
}

func TestBetweenReachesPastMemory(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	ctx := gwtest.Context(t)
	// A placer whose memory holds one incident: older ones are read from the store.
	p := placement.NewPlacer(e.db, placement.NewMemory(1), e.catalog, nil, nil)
	for _, in := range []*incidentv1.Incident{
		gwtest.Incident("incidents/a", 35.83, 43.62, gwtest.At(11, 1, 0), 1),
		gwtest.Incident("incidents/b", 35.83, 43.62, gwtest.At(11, 15, 0), 2),
		gwtest.Incident("incidents/c", 35.83, 43.62, gwtest.At(12, 1, 0), 3),
	} {
		if err := p.Place(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	got, err := p.Between(ctx, []string{"zones/makhmour"}, gwtest.At(10, 1, 0), gwtest.At(12, 31, 0))
	if err != nil || len(got) != 3 {
		t.Errorf("Between(makhmour, Oct-Dec) = %d incidents (%v), want 3", len(got), err)
	}
}
