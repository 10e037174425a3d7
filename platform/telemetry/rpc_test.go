package telemetry

import (
	"context"
	"net"
	"strings"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/emptypb"
)

// serve runs a server with ServerHandler whose every method calls h with the call's
// context, and returns its address.
func serve(t *testing.T, h func(ctx context.Context)) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer(grpc.StatsHandler(ServerHandler()), grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
		if err := ss.RecvMsg(&emptypb.Empty{}); err != nil {
			return err
		}
		h(ss.Context())
		return ss.SendMsg(&emptypb.Empty{})
	}))
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

func dialTest(t *testing.T, addr string, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// TestLightHandlersKeepTheTrace: with no exporter and no metrics, the stats handlers are
// the light ones, and they keep what is seen of a trace: a call continues the caller's
// trace (trace id, sampled flag) under a span id of its own, a call without one starts a
// trace, and a call made from a call carries its trace on to the next process, as
// otelgrpc's handlers with the SDK do.
func TestLightHandlersKeepTheTrace(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	t.Setenv("TANSIQ_TRACE_FILE", "")
	ctx := context.Background()
	stop, err := Setup(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stop(ctx) }()
	if _, err := SetupMetrics(ctx, "test", false); err != nil {
		t.Fatal(err)
	}
	if _, ok := ServerHandler().(lightHandler); !ok {
		t.Fatalf("ServerHandler with nothing exported is %T, want the light handler", ServerHandler())
	}

	// The next process records the trace header it receives.
	received := make(chan string, 1)
	next := serve(t, func(ctx context.Context) {
		received <- strings.Join(metadata.ValueFromIncomingContext(ctx, "traceparent"), ",")
	})
	nextConn := dialTest(t, next, grpc.WithStatsHandler(ClientHandler()))
	// The first process records its span context and calls the next.
	seen := make(chan trace.SpanContext, 1)
	first := serve(t, func(ctx context.Context) {
		seen <- trace.SpanContextFromContext(ctx)
		if err := nextConn.Invoke(ctx, "/test.Next/Call", &emptypb.Empty{}, &emptypb.Empty{}); err != nil {
			t.Error(err)
		}
	})
	conn := dialTest(t, first)

	for _, tc := range []struct {
		name, traceparent string
		sampled           bool
	}{
		{"sampled parent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true},
		{"parent not sampled", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", false},
		{"no parent", "", true},
	} {
		cctx := ctx
		if tc.traceparent != "" {
			cctx = metadata.AppendToOutgoingContext(ctx, "traceparent", tc.traceparent)
		}
		if err := conn.Invoke(cctx, "/test.First/Call", &emptypb.Empty{}, &emptypb.Empty{}); err != nil {
			t.Fatal(err)
		}
		sc, got := <-seen, <-received
		switch {
		case !sc.IsValid():
			t.Fatalf("%s: the call has no valid span context", tc.name)
		case tc.traceparent != "" && sc.TraceID().String() != tc.traceparent[3:35]:
			t.Errorf("%s: trace id %s, want the caller's %s", tc.name, sc.TraceID(), tc.traceparent[3:35])
		case tc.traceparent != "" && sc.SpanID().String() == tc.traceparent[36:52]:
			t.Errorf("%s: the call reuses its caller's span id", tc.name)
		case sc.IsSampled() != tc.sampled:
			t.Errorf("%s: sampled %v, want %v", tc.name, sc.IsSampled(), tc.sampled)
		}
		// The next process's parent is a client span of the first, in the same trace.
		if len(got) != 55 {
			t.Fatalf("%s: the next process got traceparent %q, want one", tc.name, got)
		}
		if got[3:35] != sc.TraceID().String() || got[36:52] == sc.SpanID().String() || got[53:] != sc.TraceFlags().String() {
			t.Errorf("%s: the next process got traceparent %s; want trace %s, a new span id, flags %s", tc.name, got, sc.TraceID(), sc.TraceFlags())
		}
	}
}

// TestHandlersWithAnExporterAreOtelgrpc: spans exported (or metrics recorded) take
// otelgrpc's handlers, which record them.
func TestHandlersWithAnExporterAreOtelgrpc(t *testing.T) {
	t.Setenv("TANSIQ_TRACE_FILE", t.TempDir()+"/traces.jsonl")
	ctx := context.Background()
	stop, err := Setup(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stop(ctx) }()
	if _, ok := ServerHandler().(lightHandler); ok {
		t.Fatalf("ServerHandler with a trace file is the light handler, want %T", otelgrpc.NewServerHandler())
	}
	if _, ok := ClientHandler().(lightHandler); ok {
		t.Fatal("ClientHandler with a trace file is the light handler, want otelgrpc's")
	}
}
