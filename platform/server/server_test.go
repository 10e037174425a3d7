package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
)

// testService sleeps for "sleep", panics for "panic", waits for its context to end for
// "hang" and echoes otherwise.
type testService struct {
	testgrpc.UnimplementedTestServiceServer
	started chan struct{}
}

func (t *testService) UnaryCall(ctx context.Context, req *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	switch string(req.GetPayload().GetBody()) {
	case "sleep":
		close(t.started)
		time.Sleep(500 * time.Millisecond)
	case "panic":
		panic("boom: secret internals")
	case "hang": // as a handler waiting on a frozen store does
		<-ctx.Done()
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	return &testpb.SimpleResponse{Payload: req.GetPayload()}, nil
}

func start(t *testing.T, cfg Config) (*testService, *grpc.ClientConn, context.CancelFunc, chan error) {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s := New(cfg)
	svc := &testService{started: make(chan struct{})}
	testgrpc.RegisterTestServiceServer(s.GRPC, svc)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = conn.Close() })
	return svc, conn, cancel, done
}

func payload(s string) *testpb.SimpleRequest {
	return &testpb.SimpleRequest{Payload: &testpb.Payload{Body: []byte(s)}}
}

func TestGracefulStopLetsInFlightCallsFinish(t *testing.T) {
	svc, conn, cancel, done := start(t, Config{ShutdownTimeout: 5 * time.Second})
	client := testgrpc.NewTestServiceClient(conn)
	health := healthpb.NewHealthClient(conn)
	ctx := context.Background()
	if r, err := health.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health before stop = %v, %v", r, err)
	}
	watch, err := health.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := watch.Recv(); err != nil { // SERVING
		t.Fatal(err)
	}
	callErr := make(chan error, 1)
	go func() {
		_, err := client.UnaryCall(ctx, payload("sleep"))
		callErr <- err
	}()
	<-svc.started
	cancel()
	if r, err := watch.Recv(); err != nil || r.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health on stop = %v, %v; want NOT_SERVING first", r, err)
	}
	if err := <-callErr; err != nil {
		t.Fatalf("in-flight call failed: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve = %v", err)
	}
}

func TestPanicBecomesInternalWithoutInternals(t *testing.T) {
	_, conn, _, _ := start(t, Config{})
	_, err := testgrpc.NewTestServiceClient(conn).UnaryCall(context.Background(), payload("panic"))
	st := status.Convert(err)
	if st.Code() != codes.Internal || strings.Contains(st.Message(), "secret") {
		t.Fatalf("panic answered %v %q; want INTERNAL without internals", st.Code(), st.Message())
	}
	if _, err := testgrpc.NewTestServiceClient(conn).UnaryCall(context.Background(), payload("ok")); err != nil {
		t.Fatalf("server did not survive the panic: %v", err)
	}
}

func TestOversizeMessageIsResourceExhausted(t *testing.T) {
	_, conn, _, _ := start(t, Config{MaxRecvMsgBytes: 1024})
	_, err := testgrpc.NewTestServiceClient(conn).UnaryCall(context.Background(), payload(strings.Repeat("x", 4096)))
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("oversize request: %v, want RESOURCE_EXHAUSTED", err)
	}
}

func TestReflectionListsServices(t *testing.T) {
	_, conn, _, _ := start(t, Config{Reflection: true})
	stream, err := rpb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	got := strings.Join(names, ",")
	for _, want := range []string{"grpc.testing.TestService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"} {
		if !strings.Contains(got, want) {
			t.Errorf("reflection lists %s; missing %s", got, want)
		}
	}
}
