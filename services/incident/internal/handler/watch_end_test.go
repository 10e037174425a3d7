package handler

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestWatchEndedByItsDeadlineSaysSo: a watch that its caller's deadline ends is not a
// success. The handler returns DEADLINE_EXCEEDED (or CANCELLED, if the caller's
// cancellation arrives first), so the call is logged and measured as what it was.
func TestWatchEndedByItsDeadlineSaysSo(t *testing.T) {
	ended := make(chan error, 1)
	e := newEnv(t, func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		err := h(srv, ss)
		ended <- err
		return err
	})

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	stream, err := e.client.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{StartAtNow: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("watch with a 300ms deadline: %v, want DEADLINE_EXCEEDED", err)
	}
	select {
	case err := <-ended:
		if c := status.Code(err); c != codes.DeadlineExceeded && c != codes.Canceled {
			t.Fatalf("the handler ended the watch with %v (%v), want DEADLINE_EXCEEDED or CANCELLED", c, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not end the watch within 5s of its deadline")
	}
}
