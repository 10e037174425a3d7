package app

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/connectivity"
)

// TestStopEndsTasksAndConnectionsBeforeTheStore: when the process stops, a task started
// with rt.Go still finds the store open after its context ended (Run waits for it before
// closing the store), and the connections rt.Dial opened are closed.
func TestStopEndsTasksAndConnectionsBeforeTheStore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wired := make(chan *Runtime, 1)
	taskErr := make(chan error, 1)
	release := make(chan struct{})
	var dialed []func() connectivity.State
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--log-level", "error", "--insecure-no-auth"},
			Options{Name: "apptest"}, func(ctx context.Context, rt *Runtime) error {
				conn, err := rt.Dial("127.0.0.1:1")
				if err != nil {
					return err
				}
				dialed = append(dialed, conn.GetState)
				rt.Go(func() {
					<-ctx.Done()
					<-release // a task finishing its last write
					pingCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
					defer stop()
					taskErr <- rt.DB.Client().Ping(pingCtx, nil)
				})
				wired <- rt
				return nil
			})
	}()
	select {
	case <-wired:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	cancel()
	select {
	case <-done:
		t.Error("Run returned while a task was still running")
	case <-time.After(2 * time.Second):
	}
	close(release)
	if err := <-taskErr; err != nil {
		t.Errorf("the task's store call after the stop: %v, want the store still open", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, state := range dialed {
		if s := state(); s != connectivity.Shutdown {
			t.Errorf("connection from rt.Dial is %v after Run returned, want SHUTDOWN", s)
		}
	}
}
