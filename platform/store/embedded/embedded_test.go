package embedded

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestExitErrorIsReported: a FerretDB that ends by itself says why, instead of leaving a
// server that looks up but serves nothing.
func TestExitErrorIsReported(t *testing.T) {
	s := &Server{done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	diskFull := errors.New("sqlite: database or disk is full")
	go s.serve(ctx, func(context.Context) error { return diskFull })
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed after FerretDB ended")
	}
	if err := s.Err(); !errors.Is(err, diskFull) {
		t.Fatalf("Err() = %v, want FerretDB's own error", err)
	}
}

// TestStopIsNotAnError: a real server ended by Stop reports no error, nor while it runs.
func TestStopIsNotAnError(t *testing.T) {
	srv, err := Start(context.Background(), t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Err(); err != nil {
		t.Fatalf("Err() of a running server = %v, want nil", err)
	}
	srv.Stop()
	if err := srv.Err(); err != nil {
		t.Fatalf("Err() after Stop = %v, want nil", err)
	}
}
