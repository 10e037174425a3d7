package server

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
)

// TestCallWithoutDeadlineGetsOne repeats issue 13, row 11, first half: a call with no
// deadline hung for ever on a frozen store. The server gives it DefaultDeadline.
func TestCallWithoutDeadlineGetsOne(t *testing.T) {
	_, conn, _, _ := start(t, Config{DefaultDeadline: 300 * time.Millisecond})
	done := make(chan error, 1)
	go func() {
		_, err := testgrpc.NewTestServiceClient(conn).UnaryCall(context.Background(), payload("hang"))
		done <- err
	}()
	select {
	case err := <-done:
		if status.Code(err) != codes.DeadlineExceeded {
			t.Fatalf("got %v, want DeadlineExceeded", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a call without a deadline still hangs")
	}
}

// TestHealthFollowsReadiness repeats row 11, second half: health stayed SERVING while the
// store was frozen. It says NOT_SERVING while Ready fails and SERVING once it succeeds.
func TestHealthFollowsReadiness(t *testing.T) {
	var down atomic.Bool
	_, conn, _, _ := start(t, Config{ReadyInterval: 20 * time.Millisecond, Ready: func(context.Context) error {
		if down.Load() {
			return errors.New("store not reachable")
		}
		return nil
	}})
	h := healthpb.NewHealthClient(conn)
	wait := func(want healthpb.HealthCheckResponse_ServingStatus) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			resp, err := h.Check(context.Background(), &healthpb.HealthCheckRequest{})
			if err == nil && resp.GetStatus() == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("health: got %v (%v), want %v", resp.GetStatus(), err, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	wait(healthpb.HealthCheckResponse_SERVING)
	down.Store(true)
	wait(healthpb.HealthCheckResponse_NOT_SERVING)
	down.Store(false)
	wait(healthpb.HealthCheckResponse_SERVING)
}
