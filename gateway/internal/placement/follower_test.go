package placement_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// run starts a follower of the fake incident service from the snapshot in e's store
// (loaded into e's memory, as the gateway does at start) and returns a function that
// stops it and waits for it to end (a crash, when a new one is started after: nothing
// is saved at the stop).
func run(t *testing.T, e *env, fake *gwtest.Incidents, tune func(*placement.Follower)) (stop func()) {
	t.Helper()
	conn := gwtest.Serve(t, func(s *grpc.Server) { incidentv1.RegisterIncidentServiceServer(s, fake) })
	ctx, cancel := context.WithCancel(context.Background())
	tok, err := e.db.Load(ctx, e.mem)
	if err != nil {
		t.Fatal(err)
	}
	f := &placement.Follower{Client: incidentv1.NewIncidentServiceClient(conn), Placer: e.placer, Store: e.db, Token: tok,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, SaveEvery: 1}
	if tune != nil {
		tune(f)
	}
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

// restart stands for a new gateway process over e's store: empty memory, a new placer.
func restart(e *env) {
	e.mem = placement.NewMemory()
	e.placer = placement.NewPlacer(e.mem, e.catalog, e.notes, nil)
}

// placedIn waits until the incident is placed in exactly the zones given.
func placedIn(t *testing.T, e *env, incident string, zones ...string) {
	t.Helper()
	gwtest.Eventually(t, incident+" placed in "+join(zones), func() bool {
		p, ok := e.mem.Get(incident)
		return ok && slices.Equal(p.Zones, zones)
	})
}

func join(xs []string) string {
	if len(xs) == 0 {
		return "no zone"
	}
	return xs[0] + "..."
}

// saved returns the snapshot in e's store: its token and placements.
func saved(t *testing.T, e *env) (string, *placement.Memory) {
	t.Helper()
	mem := placement.NewMemory()
	tok, err := e.db.Load(gwtest.Context(t), mem)
	if err != nil {
		t.Fatal(err)
	}
	return tok, mem
}

func TestFollowerPlacesAndResumesAfterRestart(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.zone(t, "kifri", 34.7, 44.95, 0.2)
	fake := &gwtest.Incidents{}
	fake.Add(gwtest.Incident("incidents/kulajo", 34.75, 44.90, gwtest.At(11, 27, 21), 10))
	fake.Add(gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18))

	stop := run(t, e, fake, nil)
	placedIn(t, e, "incidents/khidr-jija", "zones/makhmour")
	placedIn(t, e, "incidents/kulajo", "zones/kifri")
	gwtest.Eventually(t, "snapshot saved at token 2", func() bool {
		tok, _ := saved(t, e)
		return tok == "2"
	})
	stop()

	// While the gateway is down, an incident is recorded; a new gateway over the same
	// store resumes after the last event saved and backfills it.
	fake.Add(gwtest.Incident("incidents/liheban", 35.86, 43.66, gwtest.At(12, 2, 19), 0))
	restart(e)
	run(t, e, fake, nil)
	placedIn(t, e, "incidents/liheban", "zones/makhmour")
	placedIn(t, e, "incidents/kulajo", "zones/kifri") // from the snapshot
	if got := fake.Tokens(); !slices.Equal(got, []string{"", "2"}) {
		t.Errorf("WatchIncidents called with tokens %q, want the start and then the saved token", got)
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
	run(t, e, fake, nil)
	placedIn(t, e, "incidents/khidr-jija", "zones/makhmour")
	if got := len(fake.Tokens()); got != 4 {
		t.Errorf("%d WatchIncidents calls, want 3 refused and 1 served", got)
	}
}

func TestFollowerReplaysWhenItsTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	if err := e.db.Save(gwtest.Context(t), "from-another-incident-database", nil); err != nil {
		t.Fatal(err)
	}
	fake := &gwtest.Incidents{}
	fake.Add(gwtest.Incident("incidents/khidr-jija", 35.83, 43.62, gwtest.At(12, 2, 19), 18))
	run(t, e, fake, nil)
	placedIn(t, e, "incidents/khidr-jija", "zones/makhmour")
}

func TestFollowerBatchesLoseNoEvent(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.notes.takeCalls()
	e.notes.delay = 20 * time.Millisecond // events pile up while a batch is notified
	fake := &gwtest.Incidents{}
	const events = 2000
	for i := range events {
		fake.Add(version(i))
	}
	run(t, e, fake, func(f *placement.Follower) { f.Batch = 300 })
	gwtest.Eventually(t, "every event placed", func() bool { return e.mem.Len() == events/2 })
	for i := range events / 2 {
		checkLast(t, e.mem, i)
	}
	calls := e.notes.takeCalls()
	notified := 0
	for _, c := range calls {
		if _, ok := c["zones/makhmour"]; ok {
			notified++
		}
	}
	// Each batch notifies Makhmour once: one notification per event would be 2,000.
	if notified == 0 || notified > events/100 {
		t.Errorf("Makhmour notified %d times for %d events (batches of at most 300)", notified, events)
	}
}

// TestFollowerGathersAStream: events that come one by one, each sooner than Gather after
// the last batch began, are placed together once Gather has passed, so a zone's picture is
// notified once for them all, not once per event; the first after a quiet spell is placed
// at once.
func TestFollowerGathersAStream(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.notes.takeCalls()
	fake := &gwtest.Incidents{}
	run(t, e, fake, func(f *placement.Follower) { f.Gather = 2 * time.Second })
	fake.Add(gwtest.Incident("incidents/m00", 35.83, 43.62, gwtest.At(12, 2, 19), 1))
	placedIn(t, e, "incidents/m00", "zones/makhmour")
	const more = 10
	for i := 1; i <= more; i++ {
		time.Sleep(10 * time.Millisecond) // one at a time, as creates come
		fake.Add(gwtest.Incident(fmt.Sprintf("incidents/m%02d", i), 35.83, 43.62, gwtest.At(12, 2, 19), 1))
	}
	gwtest.Eventually(t, "every event placed", func() bool { return e.mem.Len() == more+1 })
	if calls := e.notes.takeCalls(); len(calls) != 2 || len(calls[1]["zones/makhmour"]) != more {
		t.Errorf("Makhmour notified %d times (%v), want twice: the first event at once, then the %d that came within Gather together", len(calls), calls, more)
	}
}

// version returns event i of a stream where each incident comes twice in a row: event i
// is incident m(i/2)'s version i%2, the first in Makhmour when i/2 is even and out of it
// otherwise, the second (an hour later) the other way round.
func version(i int) *incidentv1.Incident {
	in := gwtest.Incident(fmt.Sprintf("incidents/m%04d", i/2), 35.83, 43.62, gwtest.At(12, 2, 19), 1)
	if (i/2+i%2)%2 == 1 {
		in.Place.Point.Latitude = 30
	}
	in.UpdateTime = timestamppb.New(gwtest.At(12, 2, 19).Add(time.Duration(i%2) * time.Hour))
	return in
}

// checkLast fails unless mem holds incident k as its second version says.
func checkLast(t *testing.T, mem *placement.Memory, k int) {
	t.Helper()
	name := fmt.Sprintf("incidents/m%04d", k)
	p, ok := mem.Get(name)
	wantIn := (k+1)%2 == 0
	if !ok || !p.UpdateTime.Equal(gwtest.At(12, 2, 20)) || (len(p.Zones) == 1) != wantIn {
		t.Errorf("%s: %+v (found %v), want its second version, in Makhmour: %v", name, p.Zones, ok, wantIn)
	}
}

// counting passes saves to a store and reports each on a channel.
type counting struct {
	placement.Snapshots
	saves chan string
}

func (c *counting) Save(ctx context.Context, token string, ps []*placement.Placement) error {
	err := c.Snapshots.Save(ctx, token, ps)
	if err == nil {
		c.saves <- token
	}
	return err
}

// A gateway stopped mid-stream (a crash: nothing saved at the stop) leaves a snapshot
// holding every event up to its token, and a new one resumes from it to place every
// event.
func TestCrashMidBatchLosesNoPlacement(t *testing.T) {
	e := newEnv(t)
	e.zone(t, "makhmour", 35.8, 43.6, 0.3)
	e.notes.delay = 2 * time.Millisecond
	fake := &gwtest.Incidents{}
	const events = 1200
	for i := range events / 2 {
		fake.Add(version(i))
	}
	for _, after := range []int{1, 2, 1} {
		restart(e)
		saves := make(chan string, 100)
		stop := run(t, e, fake, func(f *placement.Follower) {
			f.Batch, f.SaveEvery = 50, 70
			f.Store = &counting{Snapshots: f.Store, saves: saves}
		})
		for range after {
			select {
			case <-saves:
			case <-time.After(15 * time.Second):
				t.Fatal("no snapshot saved within 15s")
			}
		}
		stop() // at once, in the middle of what follows that save
		tok, mem := saved(t, e)
		t.Logf("stopped after %d saves: snapshot at %q holds %d", after, tok, mem.Len())
		upTo, err := strconv.Atoi(tok)
		if err != nil {
			t.Fatal(err)
		}
		// Every incident whose last event is at or before the token is in the snapshot
		// as that event left it.
		for k := range upTo / 2 {
			checkLast(t, mem, k)
		}
		if _, ok := mem.Get(fmt.Sprintf("incidents/m%04d", (upTo-1)/2)); !ok {
			t.Errorf("event %d (the token's) not in the snapshot", upTo)
		}
		if mem.Len() > (upTo+1)/2 {
			t.Errorf("the snapshot holds %d incidents, beyond its token %d", mem.Len(), upTo)
		}
	}
	for i := events / 2; i < events; i++ {
		fake.Add(version(i))
	}
	restart(e)
	run(t, e, fake, func(f *placement.Follower) { f.Batch, f.SaveEvery = 50, 70 })
	gwtest.Eventually(t, "every event placed", func() bool { return e.mem.Len() == events/2 })
	for k := range events / 2 {
		checkLast(t, e.mem, k)
	}
}
