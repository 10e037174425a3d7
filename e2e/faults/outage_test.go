package faults

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// outageDeadline is the deadline of every call made while a dependency is down: each must
// come back with UNAVAILABLE before it, not hang until it.
const outageDeadline = 3 * time.Second

// reconnectWithin is how soon after a service is back its callers reach it again: the
// README's "within four seconds" (platform/dial caps the reconnect backoff at 3 s, and
// gRPC adds up to 20% jitter).
const reconnectWithin = 4 * time.Second

// storeDownWithin is how soon a service whose store is down answers a create with
// UNAVAILABLE, with production's store client (platform/store.Open): each store step waits
// up to 2 s to select a server, and a create takes one to three (the README's "within
// 10 s"). storeDownDeadline is a caller's deadline long enough to hear that answer.
const (
	storeDownWithin   = 10 * time.Second
	storeDownDeadline = 40 * time.Second
)

// probe is one call made while a dependency is down.
type probe struct {
	name string
	call func(ctx context.Context) error
}

// expectUnavailable makes each call with outageDeadline and fails t unless it answers
// UNAVAILABLE before the deadline; it logs how long each took.
func expectUnavailable(t *testing.T, ctx context.Context, down string, probes []probe) {
	t.Helper()
	for _, p := range probes {
		cctx, cancel := context.WithTimeout(ctx, outageDeadline)
		began := time.Now()
		err := p.call(cctx)
		took := time.Since(began)
		cancel()
		t.Logf("%s down: %s answered %v in %v (deadline %v)", down, p.name, status.Code(err), took.Round(time.Millisecond), outageDeadline)
		if got := status.Code(err); got != codes.Unavailable {
			t.Errorf("%s down: %s = %v (%v), want UNAVAILABLE", down, p.name, got, err)
		}
		if took >= outageDeadline {
			t.Errorf("%s down: %s took %v, not within its deadline of %v", down, p.name, took, outageDeadline)
		}
	}
}

// eventually retries call, as a client would, until it succeeds or 30s pass, and returns
// how long that took.
func eventually(ctx context.Context, call func(ctx context.Context) error) (time.Duration, error) {
	began := time.Now()
	var err error
	for deadline := began.Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		cctx, cancel := context.WithTimeout(ctx, outageDeadline)
		err = call(cctx)
		cancel()
		if err == nil {
			return time.Since(began), nil
		}
	}
	return time.Since(began), fmt.Errorf("still failing after %v: %w", time.Since(began), err)
}

// TestDependencyDownIsUnavailableAndHeals stops a service other processes depend on: the
// incident service behind the gateway, then the forces service the meeting service checks
// attendees with. Callers get UNAVAILABLE within their deadline, nothing is half-written,
// and when the service is back the same calls succeed with nothing else restarted.
func TestDependencyDownIsUnavailableAndHeals(t *testing.T) {
	env := startSystem(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pids := map[string]int{}
	for _, name := range env.Processes() {
		pids[name] = env.Pid(name)
	}

	t.Run("incident behind the gateway", func(t *testing.T) {
		incidents := incidentv1.NewIncidentServiceClient(dial(t, env, stack.Gateway, operator(env, "outage-reporter")))
		seed, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{PageSize: 1})
		if err != nil || len(seed.GetIncidents()) != 1 {
			t.Fatalf("list before the outage: %v, %v", seed, err)
		}
		existing := seed.GetIncidents()[0].GetName()
		district := uniqueDistrict("OUTAGE")
		create := &incidentv1.CreateIncidentRequest{RequestId: district + "-1",
			Incident: ied(district, "reported during the outage", time.Date(2021, 12, 3, 4, 0, 0, 0, time.UTC))}

		if err := env.Stop(stack.Incident); err != nil {
			t.Fatal(err)
		}
		expectUnavailable(t, ctx, "incident", []probe{
			{"CreateIncident", func(ctx context.Context) error { _, err := incidents.CreateIncident(ctx, create); return err }},
			{"GetIncident", func(ctx context.Context) error {
				_, err := incidents.GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: existing})
				return err
			}},
			{"ListIncidents", func(ctx context.Context) error {
				_, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{})
				return err
			}},
			{"WatchIncidents", func(ctx context.Context) error {
				w, err := incidents.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{StartAtNow: true})
				if err != nil {
					return err
				}
				_, err = w.Recv()
				return err
			}},
		})

		if err := env.Start(stack.Incident); err != nil {
			t.Fatal(err)
		}
		if err := env.WaitHealthy(ctx, stack.Incident); err != nil {
			t.Fatal(err)
		}
		// The gateway reconnects by itself...
		var stored []*incidentv1.Incident
		took, err := eventually(ctx, func(ctx context.Context) error {
			var err error
			stored, err = listDistrict(ctx, incidents, district)
			return err
		})
		if err != nil {
			t.Fatalf("the gateway did not reconnect to the incident service: %v", err)
		}
		t.Logf("incident back: the gateway served calls again %v after the service was healthy", took.Round(time.Millisecond))
		if took > reconnectWithin {
			t.Errorf("the gateway served calls again %v after the incident service was healthy, want within %v (the README's bound)", took, reconnectWithin)
		}
		// ...nothing of the refused create was written, and the same create now succeeds, once.
		if len(stored) != 0 {
			t.Fatalf("after the outage %d incidents of the refused create are stored, want 0", len(stored))
		}
		if _, err := incidents.CreateIncident(ctx, create); err != nil {
			t.Fatalf("the create refused during the outage, sent again: %v", err)
		}
		if got, err := listDistrict(ctx, incidents, district); err != nil || len(got) != 1 {
			t.Fatalf("after the retry: %d incidents stored (%v), want 1", len(got), err)
		}
	})

	t.Run("forces behind the meeting service", func(t *testing.T) {
		meetings := meetingv1.NewMeetingServiceClient(dial(t, env, stack.Gateway,
			env.Token("outage-officer", harness.IraqiArmy, auth.RoleOperator)))
		id := fmt.Sprintf("outage-%08x", time.Now().UnixNano()&0xffffffff)
		create := &meetingv1.CreateMeetingRequest{MeetingId: id, RequestId: id, Meeting: meeting()}

		if err := env.Stop(stack.Forces); err != nil {
			t.Fatal(err)
		}
		expectUnavailable(t, ctx, "forces", []probe{
			{"CreateMeeting", func(ctx context.Context) error { _, err := meetings.CreateMeeting(ctx, create); return err }},
		})
		// Nothing was written: the meeting does not exist.
		_, err := meetings.GetMeeting(ctx, &meetingv1.GetMeetingRequest{Name: "meetings/" + id})
		if got := status.Code(err); got != codes.NotFound {
			t.Fatalf("after the refused create, GetMeeting = %v (%v), want NOT_FOUND", got, err)
		}

		if err := env.Start(stack.Forces); err != nil {
			t.Fatal(err)
		}
		if err := env.WaitHealthy(ctx, stack.Forces); err != nil {
			t.Fatal(err)
		}
		took, err := eventually(ctx, func(ctx context.Context) error { _, err := meetings.CreateMeeting(ctx, create); return err })
		if err != nil {
			t.Fatalf("the meeting service did not reconnect to the forces service: %v", err)
		}
		t.Logf("forces back: the meeting service created the meeting %v after forces was healthy", took.Round(time.Millisecond))
		if took > reconnectWithin {
			t.Errorf("the meeting service reached the forces service again %v after it was healthy, want within %v (the README's bound)", took, reconnectWithin)
		}
		if _, err := meetings.GetMeeting(ctx, &meetingv1.GetMeetingRequest{Name: "meetings/" + id}); err != nil {
			t.Fatalf("GetMeeting after the retry: %v", err)
		}
	})

	t.Run("store behind the incident service", func(t *testing.T) {
		incidents := incidentv1.NewIncidentServiceClient(dial(t, env, stack.Gateway, operator(env, "store-outage-reporter")))
		district := uniqueDistrict("STOREDOWN")
		create := &incidentv1.CreateIncidentRequest{RequestId: district + "-1",
			Incident: ied(district, "reported while the store is down", time.Date(2021, 12, 3, 5, 0, 0, 0, time.UTC))}

		if err := env.Stop(stack.Store); err != nil {
			t.Fatal(err)
		}
		// The service's own store client, with production's settings, gives up and says
		// UNAVAILABLE; a write is not retried by the gateway, so this is its answer.
		cctx, cancel := context.WithTimeout(ctx, storeDownDeadline)
		began := time.Now()
		_, err := incidents.CreateIncident(cctx, create)
		took := time.Since(began)
		cancel()
		t.Logf("store down: CreateIncident answered %v in %v (deadline %v)", status.Code(err), took.Round(time.Millisecond), storeDownDeadline)
		if got := status.Code(err); got != codes.Unavailable {
			t.Fatalf("store down: CreateIncident = %v (%v), want UNAVAILABLE", got, err)
		}
		if took > storeDownWithin {
			t.Errorf("store down: CreateIncident took %v, want UNAVAILABLE within %v (the README's bound)", took, storeDownWithin)
		}

		restart(t, ctx, env, stack.Store)
		var stored []*incidentv1.Incident
		if _, err := eventually(ctx, func(ctx context.Context) error {
			var err error
			stored, err = listDistrict(ctx, incidents, district)
			return err
		}); err != nil {
			t.Fatalf("the incident service did not reconnect to the store: %v", err)
		}
		if len(stored) != 0 {
			t.Fatalf("after the store outage %d incidents of the refused create are stored, want 0", len(stored))
		}
		if _, err := incidents.CreateIncident(ctx, create); err != nil {
			t.Fatalf("the create refused during the store outage, sent again: %v", err)
		}
	})

	for name, pid := range pids {
		if name == stack.Incident || name == stack.Forces || name == stack.Store {
			continue // stopped and started on purpose
		}
		if got := env.Pid(name); got != pid || env.Restarts(name) != 0 {
			t.Errorf("%s was restarted (pid %d -> %d, %d restarts): the system must heal without it", name, pid, got, env.Restarts(name))
		}
	}
}

// meeting is a valid meeting hosted by the Iraqi army with attendees of both forces, all
// of whom the forces service must confirm.
func meeting() *meetingv1.Meeting {
	return &meetingv1.Meeting{
		Title: "Coordination meeting on the Makhmour gap",
		Place: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.7756, Longitude: 43.5794},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR},
		StartTime: timestamppb.New(time.Date(2021, 12, 7, 7, 0, 0, 0, time.UTC)),
		Level:     meetingv1.MeetingLevel_MEETING_LEVEL_HIGH_LEVEL,
		HostForce: harness.IraqiArmy,
		Attendees: []*meetingv1.Attendee{
			{Person: "forces/peshmerga/people/jamal-mohammed-omar", Force: harness.Peshmerga},
			{Person: "forces/iraqi-army/people/abdul-amir-al-shammari", Force: harness.IraqiArmy},
		},
	}
}
