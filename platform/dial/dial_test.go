package dial

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
)

// flaky refuses its first failures calls of each method with UNAVAILABLE, then answers.
// UnaryCall stands for a read, EmptyCall for a write.
type flaky struct {
	testgrpc.UnimplementedTestServiceServer
	failures     int32
	unary, empty atomic.Int32
	deadlineLeft atomic.Int64 // what was left of the deadline UnaryCall saw, or -1 for none
}

func (f *flaky) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	left := int64(-1)
	if d, ok := ctx.Deadline(); ok {
		left = int64(time.Until(d))
	}
	f.deadlineLeft.Store(left)
	if f.unary.Add(1) <= f.failures {
		return nil, status.Error(codes.Unavailable, "not yet")
	}
	return &testpb.SimpleResponse{}, nil
}

func (f *flaky) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	if f.empty.Add(1) <= f.failures {
		return nil, status.Error(codes.Unavailable, "not yet")
	}
	return &testpb.Empty{}, nil
}

func serve(t *testing.T, svc testgrpc.TestServiceServer) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(s, svc)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

func client(t *testing.T, target string, cfg Config) testgrpc.TestServiceClient {
	t.Helper()
	conn, err := New(target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return testgrpc.NewTestServiceClient(conn)
}

// TestReadsAreRetriedAndWritesAreNot: a method named retryable is tried again on
// UNAVAILABLE; any other method fails on the first UNAVAILABLE, since a retry of a write
// without a request_id could apply it twice.
func TestReadsAreRetriedAndWritesAreNot(t *testing.T) {
	f := &flaky{failures: 2}
	c := client(t, serve(t, f), Config{Retryable: []string{"/grpc.testing.TestService/UnaryCall"}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	if _, err := c.UnaryCall(ctx, &testpb.SimpleRequest{}); err != nil {
		t.Fatalf("read after two UNAVAILABLE answers: %v, want it retried to success", err)
	}
	if n := f.unary.Load(); n != 3 {
		t.Fatalf("read tried %d times, want 3", n)
	}
	_, err := c.EmptyCall(ctx, &testpb.Empty{})
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("write: %v, want UNAVAILABLE passed back untried", err)
	}
	if n := f.empty.Load(); n != 1 {
		t.Fatalf("write tried %d times, want exactly once", n)
	}
}

// TestWholeServiceCanBeRetryable: a bare service name makes every method of it retryable.
func TestWholeServiceCanBeRetryable(t *testing.T) {
	f := &flaky{failures: 1}
	c := client(t, serve(t, f), Config{Retryable: []string{"grpc.testing.TestService"}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.EmptyCall(ctx, &testpb.Empty{}); err != nil || f.empty.Load() != 2 {
		t.Fatalf("EmptyCall: %v after %d tries, want success after 2", err, f.empty.Load())
	}
}

// TestCallsWithoutADeadlineGetTheDefault: no call leaves a process without a deadline,
// and a caller's own deadline is kept.
func TestCallsWithoutADeadlineGetTheDefault(t *testing.T) {
	f := &flaky{}
	c := client(t, serve(t, f), Config{DefaultTimeout: 2 * time.Second})
	if _, err := c.UnaryCall(context.Background(), &testpb.SimpleRequest{}); err != nil {
		t.Fatal(err)
	}
	if left := time.Duration(f.deadlineLeft.Load()); left <= 0 || left > 2*time.Second {
		t.Fatalf("server saw %v left of the deadline, want (0, 2s]", left)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.UnaryCall(ctx, &testpb.SimpleRequest{}); err != nil {
		t.Fatal(err)
	}
	if left := time.Duration(f.deadlineLeft.Load()); left <= 2*time.Second {
		t.Fatalf("server saw %v left of the caller's 5s deadline: the default replaced it", left)
	}
}

// reconnectCap is the longest wait between two connection attempts to a server that is
// down: the README promises reconnection "within about three seconds".
const reconnectCap = 3 * time.Second

// capWithJitter is the longest wait grpc-go's backoff can draw from a 3 s cap with 20%
// jitter.
const capWithJitter = reconnectCap * 12 / 10

// reconnectWithin is the README's bound on reaching a server that is back: "within four
// seconds", the jittered cap and a little for scheduling on a busy machine.
const reconnectWithin = 4 * time.Second

// TestReconnectBackoffIsCappedAtThreeSeconds measures the client's connection attempts
// while the server's port accepts connections and drops them (a server that is not
// there yet), then brings a real server up on that port and measures how long the client
// takes to reach it. The waits between attempts grow to the cap (so a server that is
// down is not hammered) and never exceed it, and the client reaches the returned server
// within the cap.
func TestReconnectBackoffIsCappedAtThreeSeconds(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	var (
		mu       sync.Mutex
		attempts []time.Time
		dropped  sync.WaitGroup
	)
	dropped.Add(1)
	go func() {
		defer dropped.Done()
		for {
			conn, err := lis.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			attempts = append(attempts, time.Now())
			mu.Unlock()
			_ = conn.Close()
		}
	}()

	conn, err := New(addr, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	conn.Connect()
	// Long enough for the waits to reach the cap (0.1 s growing by 1.6: about 7 s) and
	// stay there for a few attempts.
	time.Sleep(13 * time.Second)
	_ = lis.Close()
	dropped.Wait()

	mu.Lock()
	var gaps []time.Duration
	for i := 1; i < len(attempts); i++ {
		gaps = append(gaps, attempts[i].Sub(attempts[i-1]))
	}
	mu.Unlock()
	t.Logf("waits between connection attempts: %v", gaps)
	if len(gaps) < 6 {
		t.Fatalf("only %d connection attempts in 13 s: %v", len(gaps)+1, gaps)
	}
	for _, g := range gaps {
		if g > reconnectWithin {
			t.Fatalf("waited %v between connection attempts, over the %v cap (+%v jitter)", g, reconnectCap, capWithJitter-reconnectCap)
		}
	}
	if last := gaps[len(gaps)-1]; last < reconnectCap*8/10 {
		t.Fatalf("the last wait was %v: the backoff never grew to the %v cap", last, reconnectCap)
	}

	// The server comes back on the same port.
	back, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	s := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(s, &flaky{})
	go func() { _ = s.Serve(back) }()
	defer s.Stop()
	up := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := testgrpc.NewTestServiceClient(conn).EmptyCall(ctx, &testpb.Empty{}, grpc.WaitForReady(true)); err != nil {
		t.Fatalf("call to the returned server: %v", err)
	}
	took := time.Since(up)
	t.Logf("reached the returned server %v after it came up", took)
	if took > reconnectWithin {
		t.Fatalf("reached the returned server %v after it came up, want within %v", took, reconnectWithin)
	}
}
