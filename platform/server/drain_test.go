package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
)

// watchService streams one response and then stays open until its caller or the server
// ends the call, as a watch does; its unary call takes unaryTakes.
type watchService struct {
	testgrpc.UnimplementedTestServiceServer
	unaryStarted chan struct{}
}

const unaryTakes = 500 * time.Millisecond

func (w *watchService) UnaryCall(ctx context.Context, req *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	close(w.unaryStarted)
	time.Sleep(unaryTakes) // ignores ctx: a stop must wait for it, not cancel it
	return &testpb.SimpleResponse{}, nil
}

func (w *watchService) StreamingOutputCall(_ *testpb.StreamingOutputCallRequest, s testgrpc.TestService_StreamingOutputCallServer) error {
	if err := s.Send(&testpb.StreamingOutputCallResponse{}); err != nil {
		return err
	}
	<-s.Context().Done()
	return nil
}

// forward serves UnaryCall the way the gateway forwards calls: through an unknown-service
// handler, which gRPC runs as a bidirectional stream.
func (w *watchService) forward(_ any, ss grpc.ServerStream) error {
	req := &testpb.SimpleRequest{}
	if err := ss.RecvMsg(req); err != nil {
		return err
	}
	resp, err := w.UnaryCall(ss.Context(), req)
	if err != nil {
		return err
	}
	return ss.SendMsg(resp)
}

// TestStopEndsStreamsAndLetsUnaryCallsFinish: a graceful stop does not wait for streams
// that never end by themselves; they end with UNAVAILABLE so their clients resume
// elsewhere, while a unary call in flight, registered or forwarded, still finishes.
func TestStopEndsStreamsAndLetsUnaryCallsFinish(t *testing.T) {
	const timeout = 5 * time.Second
	for _, forwarded := range []bool{false, true} {
		svc := &watchService{unaryStarted: make(chan struct{})}
		cfg := Config{ShutdownTimeout: timeout, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if forwarded {
			cfg.Options = []grpc.ServerOption{grpc.UnknownServiceHandler(svc.forward)}
		}
		s := New(cfg)
		if !forwarded {
			testgrpc.RegisterTestServiceServer(s.GRPC, svc)
		}
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- s.Serve(ctx, lis) }()
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		client := testgrpc.NewTestServiceClient(conn)

		unary := make(chan error, 1)
		go func() { _, err := client.UnaryCall(context.Background(), &testpb.SimpleRequest{}); unary <- err }()
		<-svc.unaryStarted
		var watch testgrpc.TestService_StreamingOutputCallClient
		if !forwarded {
			if watch, err = client.StreamingOutputCall(context.Background(), &testpb.StreamingOutputCallRequest{}); err != nil {
				t.Fatal(err)
			}
			if _, err := watch.Recv(); err != nil {
				t.Fatal(err)
			}
		}

		began := time.Now()
		stop()
		if watch != nil {
			_, err := watch.Recv()
			if got := status.Code(err); got != codes.Unavailable {
				t.Errorf("the watch on stop: %v (%v), want UNAVAILABLE", got, err)
			}
		}
		if err := <-unary; err != nil {
			t.Errorf("forwarded=%v: the unary call in flight failed on stop: %v", forwarded, err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve = %v", err)
		}
		if took := time.Since(began); took >= timeout {
			t.Errorf("forwarded=%v: the stop took %v: it waited out its timeout", forwarded, took)
		}
		_ = conn.Close()
	}
}
