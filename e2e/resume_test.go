package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// resumeWindow is the README's at-least-once window: a resume may deliver again the
// changes committed within this long before its token's position, and no earlier one.
const resumeWindow = 5 * time.Second

// TestWatchResumesAfterRestartsThroughGateway follows WatchIncidents through the gateway
// long enough for its resume token to reach a real position, then restarts the incident
// service and the store, and resumes from that token: every change after it arrives,
// and none of the changes committed well before it (outside the window) comes again.
func TestWatchResumesAfterRestartsThroughGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pesh := incidentClient(t, env.Token("e2e-resumer", harness.Peshmerga, auth.RoleOperator))
	district := "E2E-RESUME-" + store.NewID()
	create := func(label string) string {
		t.Helper()
		resp, err := pesh.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{
			Incident: ied(district, time.Date(2021, 12, 6, 0, 0, 0, 0, time.UTC)), RequestId: district + "-" + label})
		if err != nil {
			t.Fatalf("create %s: %v", label, err)
		}
		return resp.GetIncident().GetName()
	}
	before := map[string]bool{}
	for i := range 3 {
		before[create(fmt.Sprintf("before-%d", i))] = true
	}

	// Follow from the start until the earlier changes are older than the window, then
	// take the token of a change made after that.
	w := follow(ctx, t, pesh, "")
	for seen := 0; seen < len(before); {
		if before[w.next(t).GetIncident().GetName()] {
			seen++
		}
	}
	time.Sleep(resumeWindow + 2*time.Second)
	marker := create("marker")
	var token string
	for token == "" {
		if ev := w.next(t); ev.GetIncident().GetName() == marker {
			token = ev.GetResumeToken()
		}
	}
	w.stop()

	after := map[string]bool{}
	for i := range 3 {
		after[create(fmt.Sprintf("after-%d", i))] = true
	}
	// Restart the serving process and the store.
	for _, name := range []string{"incident", "store"} {
		if err := env.Kill(name); err != nil {
			t.Fatal(err)
		}
		if err := env.WaitHealthy(ctx, name); err != nil {
			t.Fatal(err)
		}
	}

	// Resume: the service may need a moment to reach the store again.
	var resumed []string
	for attempt := 0; ; attempt++ {
		r := follow(ctx, t, pesh, token)
		resumed = resumed[:0]
		missing := len(after)
		var err error
		for missing > 0 && err == nil {
			var ev *incidentv1.WatchIncidentsResponse
			if ev, err = r.recv(10 * time.Second); err == nil {
				resumed = append(resumed, ev.GetIncident().GetName())
				if after[ev.GetIncident().GetName()] {
					missing--
				}
			}
		}
		r.stop()
		if err == nil {
			break
		}
		if attempt == 20 {
			t.Fatalf("resumed watch: %v after %v", err, resumed)
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, name := range resumed {
		if before[name] {
			t.Fatalf("the resumed watch replayed %s, committed more than %v before its token's position: resumed %v", name, resumeWindow, resumed)
		}
	}
	t.Logf("resumed after restarting the incident service and the store: %d changes, none from before the window", len(resumed))
}

// incidentFollower reads one WatchIncidents stream in the background.
type incidentFollower struct {
	events chan *incidentv1.WatchIncidentsResponse
	errc   chan error
	stop   context.CancelFunc
}

func follow(ctx context.Context, t *testing.T, c incidentv1.IncidentServiceClient, token string) *incidentFollower {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{ResumeToken: token})
	f := &incidentFollower{events: make(chan *incidentv1.WatchIncidentsResponse, 1024), errc: make(chan error, 1), stop: cancel}
	if err != nil {
		f.errc <- err
		return f
	}
	go func() {
		for {
			ev, err := stream.Recv()
			if err != nil {
				f.errc <- err
				return
			}
			f.events <- ev
		}
	}()
	return f
}

func (f *incidentFollower) recv(within time.Duration) (*incidentv1.WatchIncidentsResponse, error) {
	select {
	case ev := <-f.events:
		return ev, nil
	case err := <-f.errc:
		return nil, err
	case <-time.After(within):
		return nil, fmt.Errorf("no change within %v", within)
	}
}

func (f *incidentFollower) next(t *testing.T) *incidentv1.WatchIncidentsResponse {
	t.Helper()
	ev, err := f.recv(30 * time.Second)
	if err != nil {
		t.Fatalf("watch: %v", err)
	}
	return ev
}
