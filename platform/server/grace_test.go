package server

import (
	"context"
	"net"
	"testing"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// TestNotServingIsHeardBeforeTheListenerCloses: a health watcher learns NOT_SERVING while
// the server still accepts connections, so a balancer stops sending before any client is
// refused. The grace is long here, and the listener is tried for a while after
// NOT_SERVING is heard, so that a listener closed at once is caught whatever the
// scheduling (a single dial could beat its closing by a hair).
func TestNotServingIsHeardBeforeTheListenerCloses(t *testing.T) {
	const grace, tried = 2 * time.Second, 500 * time.Millisecond
	_, conn, cancel, done := start(t, Config{ShutdownGrace: grace})
	watch, err := healthpb.NewHealthClient(conn).Watch(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := watch.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health before stop = %v, %v", r, err)
	}
	cancel()
	if r, err := watch.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health on stop = %v, %v; want NOT_SERVING", r, err)
	}
	heard := time.Now()
	for time.Since(heard) < tried {
		c, err := net.DialTimeout("tcp", conn.Target(), time.Second)
		if err != nil {
			t.Fatalf("the listener refused a connection %v after NOT_SERVING was heard: %v", time.Since(heard), err)
		}
		_ = c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	_ = conn.Close() // ends the watch, the last call in flight
	if err := <-done; err != nil {
		t.Fatalf("Serve = %v", err)
	}
}
