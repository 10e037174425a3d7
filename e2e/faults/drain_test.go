package faults

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/deploy/local/stack"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// stopWithin is how long a graceful stop under load may take, grace included: the
// README promises "under a second".
const stopWithin = time.Second

// call is one call of a load, as its client saw it.
type call struct {
	start, end time.Time
	name       string // of the incident created, when acknowledged
	err        error
}

// TestGracefulStopFinishesInFlightCalls stops the incident service with SIGTERM while
// clients call it directly: its health turns NOT_SERVING before its listener closes,
// every call in flight when the stop began finishes successfully, and the process exits
// without waiting for its hard-stop timeout.
func TestGracefulStopFinishesInFlightCalls(t *testing.T) {
	const workers = 8
	env := startSystem(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	addr := env.Addr(stack.Incident)
	incidents := incidentv1.NewIncidentServiceClient(dial(t, env, stack.Incident, operator(env, "drain-reporter")))
	district := uniqueDistrict("DRAIN")

	// Follow the service's health as a load balancer would.
	wctx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	watch, err := healthpb.NewHealthClient(dial(t, env, stack.Incident, "")).Watch(wctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := watch.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health before the stop: %v, %v; want SERVING", r, err)
	}
	notServing := make(chan time.Time, 1)
	go func() {
		defer close(notServing)
		for {
			r, err := watch.Recv()
			if err != nil {
				return // the stream ended without NOT_SERVING: nothing is sent
			}
			if r.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING {
				notServing <- time.Now()
				stopWatching() // a watcher that has seen it goes away, and lets the stop finish
				return
			}
		}
	}()

	// The load: every worker creates incidents one after another until the process is
	// gone, so calls are also in flight when the draining begins, after the grace.
	stopped := make(chan struct{})
	var mu sync.Mutex
	var calls []call
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; i < 1000; i++ {
				select {
				case <-stopped:
					return
				default:
				}
				id := fmt.Sprintf("%s-%d-%d", district, w, i)
				c := call{start: time.Now()}
				cctx, ccancel := context.WithTimeout(ctx, 20*time.Second)
				resp, err := incidents.CreateIncident(cctx, &incidentv1.CreateIncidentRequest{RequestId: id,
					Incident: ied(district, id, time.Date(2021, 12, 2, 0, 0, 0, 0, time.UTC))})
				c.name, c.err = resp.GetIncident().GetName(), err
				ccancel()
				c.end = time.Now()
				mu.Lock()
				calls = append(calls, c)
				mu.Unlock()
				if c.err != nil {
					time.Sleep(10 * time.Millisecond) // refused at once: do not spin
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	// Let the load run, then stop the service, watching for its listener to close.
	time.Sleep(1500 * time.Millisecond)
	mu.Lock()
	warm := len(calls)
	mu.Unlock()
	listenerClosed := make(chan time.Time, 1)
	probeCtx, stopProbing := context.WithCancel(ctx)
	defer stopProbing()
	go func() {
		defer close(listenerClosed)
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && probeCtx.Err() == nil; time.Sleep(time.Millisecond) {
			if portRefuses(addr) {
				listenerClosed <- time.Now()
				return
			}
		}
	}()
	stopAt := time.Now()
	err = env.Stop(stack.Incident)
	stopTook := time.Since(stopAt)
	close(stopped)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	nsAt, announced := <-notServing
	closedAt, closed := <-listenerClosed

	var inFlight, failedInFlight, before, failedBefore, draining, failedDraining int
	var failures []string
	for _, c := range calls {
		if c.start.Before(closedAt) && c.end.After(closedAt) {
			draining++ // in flight when the listener closed and the draining began
			if c.err != nil {
				failedDraining++
			}
		}
		switch {
		case !c.start.Before(stopAt):
			continue // began after SIGTERM: may be refused, and a client retries
		case c.end.After(stopAt):
			inFlight++
			if c.err != nil {
				failedInFlight++
				failures = append(failures, status.Convert(c.err).String())
			}
		default:
			before++
			if c.err != nil {
				failedBefore++
			}
		}
	}
	t.Logf("SIGTERM under load: %d calls finished before it (%d failed), %d in flight at it (%d failed), "+
		"%d in flight when the draining began (%d failed); stopped in %v; NOT_SERVING %v after SIGTERM, listener closed %v after SIGTERM",
		before, failedBefore, inFlight, failedInFlight, draining, failedDraining, stopTook.Round(time.Millisecond),
		nsAt.Sub(stopAt).Round(time.Microsecond), closedAt.Sub(stopAt).Round(time.Microsecond))
	for _, f := range failures {
		t.Log("in-flight call failed:", f)
	}

	if warm == 0 || inFlight == 0 {
		t.Fatalf("%d calls before the stop, %d in flight at it: the load did not reach the service, so this proves nothing", warm, inFlight)
	}
	if failedInFlight != 0 || failedBefore != 0 || failedDraining != 0 {
		t.Errorf("failed calls: %d of %d in flight when the stop began, %d of %d in flight when the listener closed, %d of %d before the stop; want 0",
			failedInFlight, inFlight, failedDraining, draining, failedBefore, before)
	}
	switch {
	case !announced:
		t.Errorf("health never said NOT_SERVING: the watch ended without it")
	case !closed:
		t.Errorf("the listener at %s still accepted connections 30s after SIGTERM", addr)
	case closedAt.Before(nsAt):
		t.Errorf("the listener closed %v before health said NOT_SERVING; want NOT_SERVING first", nsAt.Sub(closedAt))
	}
	// The gateway follows the incident stream: the stop must end that watch, not wait
	// out the service's 10s shutdown timeout for it. The README's bound.
	if stopTook > stopWithin {
		t.Errorf("the stop took %v, want under %v (the README's bound)", stopTook, stopWithin)
	}
	if b, err := os.ReadFile(env.LogFile(stack.Incident)); err != nil {
		t.Error(err)
	} else if strings.Contains(string(b), "graceful stop timed out") {
		t.Errorf("the graceful stop timed out and cut calls (took %v)", stopTook)
	}

	// Back again, it serves, and every acknowledged create is stored.
	if err := env.Start(stack.Incident); err != nil {
		t.Fatal(err)
	}
	if err := env.WaitHealthy(ctx, stack.Incident); err != nil {
		t.Fatal(err)
	}
	stored, err := listDistrict(ctx, incidents, district)
	if err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	have := map[string]bool{}
	for _, in := range stored {
		have[in.GetName()] = true
	}
	acked, lost := 0, 0
	for _, c := range calls {
		if c.err == nil {
			acked++
			if !have[c.name] {
				lost++
			}
		}
	}
	if lost != 0 {
		t.Errorf("%d of %d acknowledged creates are not stored after the restart", lost, acked)
	}
}
