package telemetry

import (
	"context"
	"math/rand/v2"
	"sync/atomic"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
)

// What Setup and SetupMetrics installed: the RPC stats handlers need otelgrpc's full work
// (a recorded span with its attributes, metrics with theirs) only when something takes it.
var (
	tracingSetUp, spansExported, metricsRecorded atomic.Bool
)

// ServerHandler returns the stats handler a gRPC server runs on every call. When spans are
// exported or RPC metrics recorded it is otelgrpc's. When Setup installed neither (the
// default: no OTEL_EXPORTER_OTLP_ENDPOINT, no TANSIQ_TRACE_FILE, no --metrics-listen), that
// work would be thrown away on every call, so a lighter handler does only what is seen
// without an exporter: it continues the caller's W3C trace context (or starts a trace) with
// a span context of its own, so each log line and audit record of the call carries the
// trace id, and calls made from it carry the trace on (TestLightHandlersKeepTheTrace).
func ServerHandler() stats.Handler {
	if light() {
		return lightHandler{server: true}
	}
	return otelgrpc.NewServerHandler()
}

// ClientHandler is ServerHandler for the clients a process dials (platform/dial).
func ClientHandler() stats.Handler {
	if light() {
		return lightHandler{}
	}
	return otelgrpc.NewClientHandler()
}

func light() bool {
	return tracingSetUp.Load() && !spansExported.Load() && !metricsRecorded.Load()
}

// lightHandler propagates trace context as otelgrpc does, with the same propagators and
// the same span ids and sampled flag as the SDK's parent-based sampler gives a span that
// nothing records.
type lightHandler struct{ server bool }

func (h lightHandler) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	prop := otel.GetTextMapPropagator()
	if h.server {
		ctx = prop.Extract(ctx, incomingCarrier{ctx})
	}
	parent := trace.SpanContextFromContext(ctx)
	cfg := trace.SpanContextConfig{SpanID: newSpanID(), TraceFlags: trace.FlagsSampled}
	if parent.IsValid() {
		cfg.TraceID, cfg.TraceState = parent.TraceID(), parent.TraceState()
		cfg.TraceFlags = parent.TraceFlags() & trace.FlagsSampled
	} else {
		cfg.TraceID = newTraceID()
	}
	ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(cfg))
	if h.server {
		return ctx
	}
	out := &outgoingCarrier{ctx: ctx}
	prop.Inject(ctx, out)
	return out.ctx
}

func (lightHandler) HandleRPC(context.Context, stats.RPCStats) {}

func (lightHandler) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

func (lightHandler) HandleConn(context.Context, stats.ConnStats) {}

func newTraceID() trace.TraceID {
	var id trace.TraceID
	for !id.IsValid() {
		a, b := rand.Uint64(), rand.Uint64()
		for i := range 8 {
			id[i], id[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
		}
	}
	return id
}

func newSpanID() trace.SpanID {
	var id trace.SpanID
	for !id.IsValid() {
		a := rand.Uint64()
		for i := range 8 {
			id[i] = byte(a >> (8 * i))
		}
	}
	return id
}

// incomingCarrier reads the call's metadata key by key, without copying all of it.
type incomingCarrier struct{ ctx context.Context }

func (c incomingCarrier) Get(key string) string {
	if v := metadata.ValueFromIncomingContext(c.ctx, key); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (incomingCarrier) Set(string, string) {}

func (c incomingCarrier) Keys() []string {
	md, _ := metadata.FromIncomingContext(c.ctx)
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	return keys
}

// outgoingCarrier adds the trace headers to the outgoing metadata. Like otelgrpc's, a value
// already there is replaced, not repeated.
type outgoingCarrier struct{ ctx context.Context }

func (c *outgoingCarrier) Get(string) string { return "" }

func (c *outgoingCarrier) Keys() []string { return nil }

func (c *outgoingCarrier) Set(key, value string) {
	if len(metadata.ValueFromOutgoingContext(c.ctx, key)) == 0 {
		c.ctx = metadata.AppendToOutgoingContext(c.ctx, key, value)
		return
	}
	md, _ := metadata.FromOutgoingContext(c.ctx)
	md.Set(key, value)
	c.ctx = metadata.NewOutgoingContext(c.ctx, md)
}
