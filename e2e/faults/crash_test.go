package faults

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/tansiq/tansiq/deploy/local/stack"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestCrashUnderLoadLosesNothing kills a process with SIGKILL while concurrent clients
// create incidents through the gateway, each retrying with the same request id until it
// is acknowledged; the supervisor restarts the process. Afterwards every acknowledged
// incident is stored exactly once: none lost, none written twice.
func TestCrashUnderLoadLosesNothing(t *testing.T) {
	const workers, each = 8, 25
	tests := []struct {
		victim string
	}{
		{victim: stack.Incident}, // the service, between the gateway and the store
		{victim: stack.Store},    // the store under the service
	}
	for _, tt := range tests {
		t.Run(tt.victim, func(t *testing.T) {
			env := startSystem(t, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			incidents := incidentv1.NewIncidentServiceClient(dial(t, env, stack.Gateway, operator(env, "crash-reporter")))
			district := uniqueDistrict("CRASH")
			base := time.Date(2021, 12, 3, 0, 0, 0, 0, time.UTC)

			// Kill once a fifth of the creates are acknowledged, while the rest are running.
			var acked, ackedAtKill atomic.Int64
			killed := make(chan error, 1)
			go func() {
				for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
					if acked.Load() >= workers*each/5 {
						pid := env.Pid(tt.victim)
						ackedAtKill.Store(acked.Load())
						err := env.Kill(tt.victim)
						t.Logf("killed %s (pid %d) with SIGKILL after %d acknowledged creates", tt.victim, pid, acked.Load())
						killed <- err
						return
					}
				}
				killed <- fmt.Errorf("the load never reached %d acknowledged creates", workers*each/5)
			}()

			results := make([]createResult, workers*each)
			began := time.Now()
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := range each {
						n := w*each + i
						id := fmt.Sprintf("%s-%03d", district, n)
						req := &incidentv1.CreateIncidentRequest{RequestId: id,
							Incident: ied(district, id, base.Add(time.Duration(n)*time.Minute))}
						cctx, ccancel := context.WithTimeout(ctx, 90*time.Second)
						results[n] = createWithRetry(cctx, incidents, req, 5*time.Second)
						ccancel()
						if results[n].name != "" {
							acked.Add(1)
						}
					}
				})
			}
			wg.Wait()
			loadTook := time.Since(began)
			if err := <-killed; err != nil {
				t.Fatal(err)
			}
			if err := env.WaitHealthy(ctx, tt.victim); err != nil {
				t.Fatal(err)
			}

			stored, err := listDistrict(ctx, incidents, district)
			if err != nil {
				t.Fatal(err)
			}
			got := tally(results, stored)
			t.Logf("%s killed under load: %d creates by %d clients in %.1fs, %d retried (%d attempts; codes %v), "+
				"%d acknowledged, %d stored: %d lost, %d duplicated, %d never acknowledged, %d stored unacknowledged; restarts %d",
				tt.victim, len(results), workers, loadTook.Seconds(), got.retried, got.attempts, got.codes,
				got.acknowledged, len(stored), got.lost, got.duplicated, got.unacknowledged, got.extra, env.Restarts(tt.victim))
			for _, why := range got.unacknowledgedWhy {
				t.Log("never acknowledged:", why)
			}
			want := outcome{acknowledged: len(results)}
			if got.outcome != want {
				t.Errorf("after SIGKILL of %s: got %+v, want %+v", tt.victim, got.outcome, want)
			}
			// The kill must land while creates are outstanding, or it proves nothing. A client
			// need not have retried: the driver's retryable writes can hide a short store outage.
			if ackedAtKill.Load() >= int64(len(results)) {
				t.Errorf("the kill came after the load (%d acknowledged), so this proves nothing", ackedAtKill.Load())
			}
			if tt.victim == stack.Incident && got.retried == 0 {
				t.Errorf("no create needed a retry: the kill of the service did not hit the load")
			}
			if env.Restarts(tt.victim) < 1 {
				t.Errorf("the supervisor did not restart %s", tt.victim)
			}
		})
	}
}

// outcome is what the crash test asserts.
type outcome struct {
	acknowledged   int // creates the service acknowledged
	lost           int // acknowledged, but not stored
	duplicated     int // request ids stored more than once
	unacknowledged int // never acknowledged within the client's deadline
	extra          int // stored, but never acknowledged to anyone
}

type tallied struct {
	outcome
	retried, attempts int
	codes             map[string]int // codes of the failed attempts
	unacknowledgedWhy []string
}

// tally compares what the clients were told with what is stored. Each incident's title
// is its create's request id, so a request stored twice shows as a title seen twice.
func tally(results []createResult, stored []*incidentv1.Incident) tallied {
	var t tallied
	t.codes = map[string]int{}
	byName := map[string]int{}
	byTitle := map[string]int{}
	for _, in := range stored {
		byName[in.GetName()]++
		byTitle[in.GetTitle()]++
	}
	ackedNames := map[string]bool{}
	for _, r := range results {
		t.attempts += len(r.attempts)
		if len(r.attempts) > 1 {
			t.retried++
		}
		for _, a := range r.attempts {
			if a.code != codes.OK {
				t.codes[a.code.String()]++
			}
		}
		if r.name == "" {
			t.unacknowledged++
			t.unacknowledgedWhy = append(t.unacknowledgedWhy, fmt.Sprintf("%s after %d attempts: %v", r.requestID, len(r.attempts), r.err))
			continue
		}
		t.acknowledged++
		ackedNames[r.name] = true
		if byName[r.name] == 0 {
			t.lost++
		}
	}
	for _, n := range byTitle {
		if n > 1 {
			t.duplicated += n - 1
		}
	}
	for name := range byName {
		if !ackedNames[name] {
			t.extra++
		}
	}
	sort.Strings(t.unacknowledgedWhy)
	return t
}
