package load_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/bench/internal/baseline"
	"github.com/tansiq/tansiq/bench/internal/load"
	"github.com/tansiq/tansiq/bench/internal/stats"
)

// startBaseline serves the baseline on loopback for the test and returns a client.
func startBaseline(t *testing.T, replyBytes int) (*baseline.Server, *grpc.ClientConn) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := baseline.NewServer(replyBytes)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- baseline.Serve(ctx, lis, srv) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("baseline server: %v", err)
		}
	})
	return srv, conn
}

// TestRunCountsEveryCall drives the baseline for a fraction of a second: every call the
// generator reports is one the server answered, and the latencies are those calls, sorted.
func TestRunCountsEveryCall(t *testing.T) {
	srv, conn := startBaseline(t, 600)
	call := func(ctx context.Context, _ int64) error {
		out, err := baseline.Get(ctx, conn, "incidents/khidr-jija-attack-2021-12-02")
		if err == nil && len(out.GetValue()) != 600 {
			return errors.New("reply of the wrong size")
		}
		return err
	}
	res, err := load.Run(t.Context(), load.Config{Concurrency: 4, Duration: 200 * time.Millisecond}, call)
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls == 0 {
		t.Fatal("no calls made")
	}
	if res.Errors != 0 {
		t.Fatalf("%d calls failed, first: %s", res.Errors, res.FirstError)
	}
	if got, want := res.Calls, srv.Calls(); got != want {
		t.Errorf("generator counted %d calls, server answered %d", got, want)
	}
	if got, want := int64(len(res.Latencies)), res.Calls; got != want {
		t.Errorf("%d latencies recorded for %d calls", got, want)
	}
	for i := 1; i < len(res.Latencies); i++ {
		if res.Latencies[i] < res.Latencies[i-1] {
			t.Fatalf("latencies not sorted at %d", i)
		}
	}
	if got, want := res.Percentile(50), stats.Percentile(res.Latencies, 50); got != want {
		t.Errorf("p50 = %v, want %v", got, want)
	}
	if p50, p99 := res.Percentile(50), res.Percentile(99); p50 <= 0 || p99 < p50 {
		t.Errorf("p50 = %v, p99 = %v: want 0 < p50 <= p99", p50, p99)
	}
	if res.Throughput() <= 0 {
		t.Errorf("throughput = %v, want > 0", res.Throughput())
	}
}

// TestRunWarmupNotCounted: warm-up calls reach the server but not the result.
func TestRunWarmupNotCounted(t *testing.T) {
	srv, conn := startBaseline(t, 10)
	call := func(ctx context.Context, _ int64) error { _, err := baseline.Get(ctx, conn, "x"); return err }
	res, err := load.Run(t.Context(), load.Config{Concurrency: 2, Warmup: 50 * time.Millisecond, Duration: 50 * time.Millisecond}, call)
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls == 0 || res.Calls >= srv.Calls() {
		t.Errorf("measured %d calls of the %d served: want some, and fewer than served", res.Calls, srv.Calls())
	}
}

// TestRunMaxCalls: the call bound holds exactly, whatever the concurrency.
func TestRunMaxCalls(t *testing.T) {
	srv, conn := startBaseline(t, 10)
	call := func(ctx context.Context, _ int64) error { _, err := baseline.Get(ctx, conn, "x"); return err }
	res, err := load.Run(t.Context(), load.Config{Concurrency: 8, Duration: time.Minute, MaxCalls: 100}, call)
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls != 100 || srv.Calls() != 100 {
		t.Errorf("calls = %d measured, %d served; want 100 and 100", res.Calls, srv.Calls())
	}
}

// TestRunErrorsAndSequence: failures are counted by code and kept out of the latencies,
// and every call gets a distinct sequence number.
func TestRunErrorsAndSequence(t *testing.T) {
	seen := make(chan int64, 100)
	call := func(_ context.Context, seq int64) error {
		seen <- seq
		if seq%4 == 0 {
			return status.Error(codes.Unavailable, "down")
		}
		return nil
	}
	res, err := load.Run(t.Context(), load.Config{Concurrency: 3, Duration: time.Minute, MaxCalls: 100}, call)
	if err != nil {
		t.Fatal(err)
	}
	close(seen)
	distinct := map[int64]bool{}
	for s := range seen {
		distinct[s] = true
	}
	if len(distinct) != 100 {
		t.Errorf("%d distinct sequence numbers for 100 calls", len(distinct))
	}
	if res.Errors != 25 || res.ErrorsByCode["Unavailable"] != 25 {
		t.Errorf("errors = %d (%v), want 25 Unavailable", res.Errors, res.ErrorsByCode)
	}
	if got := len(res.Latencies); got != 75 {
		t.Errorf("latencies = %d, want 75 (successes only)", got)
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	call := func(context.Context, int64) error { return nil }
	for _, cfg := range []load.Config{{Concurrency: 0, Duration: time.Second}, {Concurrency: 1}} {
		if _, err := load.Run(t.Context(), cfg, call); err == nil {
			t.Errorf("Run(%+v) succeeded, want an error", cfg)
		}
	}
}
