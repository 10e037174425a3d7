package faults

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/deploy/local/stack"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// The gateway's per-caller caps in this test, set through its environment as an operator
// would set its flags (--max-inflight-per-caller, --max-streams-per-caller).
const (
	testMaxInflight = 2
	testMaxStreams  = 1
)

// TestGatewayLimitsEachCaller runs the gateway with small per-caller caps and checks that
// a caller over a cap gets RESOURCE_EXHAUSTED with a RetryInfo at once, that another
// caller is unaffected, that health is never limited, and that a slot comes back when a
// call ends.
func TestGatewayLimitsEachCaller(t *testing.T) {
	env := startSystem(t, func(c *stack.Config) {
		c.Env = map[string][]string{stack.Gateway: {
			fmt.Sprintf("TANSIQ_MAX_INFLIGHT_PER_CALLER=%d", testMaxInflight),
			fmt.Sprintf("TANSIQ_MAX_STREAMS_PER_CALLER=%d", testMaxStreams),
		}}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	jamal := incidentv1.NewIncidentServiceClient(dial(t, env, stack.Gateway, operator(env, "limits-jamal")))
	other := incidentv1.NewIncidentServiceClient(dial(t, env, stack.Gateway, operator(env, "limits-other")))
	health := healthpb.NewHealthClient(dial(t, env, stack.Gateway, ""))
	overCalls := failure{codes.ResourceExhausted, "TOO_MANY_CALLS_IN_FLIGHT"}
	overStreams := failure{codes.ResourceExhausted, "TOO_MANY_STREAMS"}

	t.Run("streams", func(t *testing.T) {
		// A watch is admitted once the first change of its replay arrives.
		open := func(c incidentv1.IncidentServiceClient) (context.CancelFunc, error) {
			wctx, stop := context.WithCancel(ctx)
			w, err := c.WatchIncidents(wctx, &incidentv1.WatchIncidentsRequest{})
			if err == nil {
				_, err = w.Recv()
			}
			if err != nil {
				stop()
			}
			return stop, err
		}
		first, err := open(jamal)
		if err != nil {
			t.Fatal(err)
		}
		_, err = open(jamal)
		if got := failureOf(err); got != overStreams || retryInfo(err) <= 0 {
			t.Errorf("a second watch by the same caller: %+v with RetryInfo %v, want %+v with a retry delay", got, retryInfo(err), overStreams)
		}
		stopOther, err := open(other)
		if err != nil {
			t.Errorf("another caller's watch while the first caller is at its cap: %v", err)
		} else {
			stopOther()
		}
		// The slot comes back when the watch ends.
		first()
		took, err := eventually(ctx, func(context.Context) error {
			stop, err := open(jamal)
			if err == nil {
				stop()
			}
			return err
		})
		if err != nil {
			t.Errorf("a watch after the first one ended: %v", err)
		}
		t.Logf("streams: the second watch was refused with %v; a slot came back %v after the first watch ended", overStreams, took.Round(time.Millisecond))
	})

	t.Run("unary calls", func(t *testing.T) {
		// With the incident service frozen (SIGSTOP), every call the gateway forwards to it
		// waits for its deadline, so the caller's calls stay in flight at the gateway. (With
		// the store down instead, the service soon reports NOT_SERVING and the gateway fails
		// the calls at once, which would free the slots.)
		incident := env.Pid(stack.Incident)
		if err := syscall.Kill(incident, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := syscall.Kill(incident, syscall.SIGCONT); err != nil {
				t.Error(err)
			}
		}()
		held := 4 * time.Second
		var wg sync.WaitGroup
		for i := range testMaxInflight {
			wg.Go(func() {
				hctx, hcancel := context.WithTimeout(ctx, held)
				defer hcancel()
				// A probe may take the slot first; then the held call is refused and tries again.
				for hctx.Err() == nil {
					_, err := jamal.CreateIncident(hctx, &incidentv1.CreateIncidentRequest{
						RequestId: fmt.Sprintf("limits-held-%d", i),
						Incident:  ied("Makhmour", "held while the store is down", time.Now().Add(-time.Hour))})
					if status.Code(err) != codes.ResourceExhausted {
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
			})
		}
		defer wg.Wait()
		// Probe with short calls until the held ones are counted; a probe that gets in
		// (reads are answered from the cache) ends quickly and gives its slot back.
		var err error
		for began := time.Now(); time.Since(began) < held/2; time.Sleep(20 * time.Millisecond) {
			pctx, pcancel := context.WithTimeout(ctx, 100*time.Millisecond)
			_, err = jamal.ListIncidents(pctx, &incidentv1.ListIncidentsRequest{})
			pcancel()
			if status.Code(err) == codes.ResourceExhausted {
				break
			}
		}
		if got := failureOf(err); got != overCalls || retryInfo(err) <= 0 {
			t.Fatalf("a call over %d in flight: %+v with RetryInfo %v, want %+v with a retry delay", testMaxInflight, got, retryInfo(err), overCalls)
		}
		t.Logf("unary calls: over %d in flight refused with %v, RetryInfo %v", testMaxInflight, overCalls, retryInfo(err))
		// Another caller is not refused (its call waits for the service like any other)...
		octx, ocancel := context.WithTimeout(ctx, 200*time.Millisecond)
		_, err = other.ListIncidents(octx, &incidentv1.ListIncidentsRequest{})
		ocancel()
		if got := status.Code(err); got == codes.ResourceExhausted {
			t.Errorf("another caller was refused while the first was at its cap: %v", err)
		}
		// ...and health answers.
		if r, err := health.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("gateway health while a caller is at its cap: %v, %v", r, err)
		}
	})
}
