package telemetry

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// MongoScope is the instrumentation scope of the store's spans.
const MongoScope = "github.com/tansiq/tansiq/platform/telemetry/mongo"

// MongoMonitor returns a command monitor for the MongoDB driver that records each command
// as a client span, "<command> <collection>" (e.g. "find incidents"), child of the span in
// the command's context, with the database, collection, operation and server as attributes
// and the failure as the span status. The command text is not recorded: it holds the
// records themselves, which are not for a trace backend.
//
// The maintained otelmongo instrumentation for mongo-driver v2 is not served by the module
// proxy at the version matching otelgrpc, so this is the small part of it Tansiq needs.
//
// Only commands issued inside a traced call get a span: the change-feed pollers and other
// background loops query the store many times a second with no caller, and a root span for
// each would bury the calls people look for.
//
// With tracing set up and no span exported (Setup with no exporter, the default) it returns
// nil, no monitor, as ServerHandler is light then: the driver would copy every command,
// documents included, into an event, and the monitor would record a span that nothing
// takes (measured: about 2% of the incident service's and the gateway's CPU under a stream
// of creates). Logs and audit records carry the call's trace id without it.
func MongoMonitor() *event.CommandMonitor {
	if tracingSetUp.Load() && !spansExported.Load() {
		return nil
	}
	m := &mongoMonitor{spans: map[mongoKey]trace.Span{}}
	return &event.CommandMonitor{Started: m.started, Succeeded: m.succeeded, Failed: m.failed}
}

// mongoKey names one command in flight: the driver numbers requests per connection.
type mongoKey struct {
	conn string
	id   int64
}

type mongoMonitor struct {
	mu    sync.Mutex
	spans map[mongoKey]trace.Span
}

func (m *mongoMonitor) started(ctx context.Context, e *event.CommandStartedEvent) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	collection := commandCollection(e.CommandName, e.Command)
	name := e.CommandName
	if collection != "" {
		name += " " + collection
	}
	attrs := []attribute.KeyValue{
		semconv.DBSystemMongoDB,
		semconv.DBNamespace(e.DatabaseName),
		semconv.DBOperationName(e.CommandName),
	}
	if collection != "" {
		attrs = append(attrs, semconv.DBCollectionName(collection))
	}
	attrs = append(attrs, serverAttrs(e.ConnectionID)...)
	// The global provider is looked up per command, so a monitor made before
	// telemetry.Setup still exports through the provider Setup installs.
	_, span := otel.Tracer(MongoScope).Start(ctx, name,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	m.mu.Lock()
	m.spans[mongoKey{e.ConnectionID, e.RequestID}] = span
	m.mu.Unlock()
}

func (m *mongoMonitor) succeeded(_ context.Context, e *event.CommandSucceededEvent) {
	if span := m.take(e.ConnectionID, e.RequestID); span != nil {
		span.End()
	}
}

func (m *mongoMonitor) failed(_ context.Context, e *event.CommandFailedEvent) {
	if span := m.take(e.ConnectionID, e.RequestID); span != nil {
		span.RecordError(e.Failure)
		span.SetStatus(codes.Error, e.Failure.Error())
		span.End()
	}
}

// take removes and returns the span of a finished command, nil if it had none.
func (m *mongoMonitor) take(conn string, id int64) trace.Span {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := mongoKey{conn, id}
	span := m.spans[k]
	delete(m.spans, k)
	return span
}

// commandCollection returns the collection a command addresses: by MongoDB's convention
// the value of the command's first element, named after the command, when it is a string
// (find, insert, update, delete, aggregate, count, createIndexes...). Database commands
// (ping, hello, listCollections with no name) have none.
func commandCollection(command string, doc bson.Raw) string {
	first, err := doc.IndexErr(0)
	if err != nil || first.Key() != command {
		return ""
	}
	s, ok := first.Value().StringValueOK()
	if !ok {
		return ""
	}
	return s
}

// serverAttrs turns the driver's connection id, "host:port[-n]", into server.address and
// server.port.
func serverAttrs(connectionID string) []attribute.KeyValue {
	addr := connectionID
	if i := strings.LastIndex(addr, "["); i >= 0 {
		addr = addr[:i]
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		if addr == "" {
			return nil
		}
		return []attribute.KeyValue{semconv.ServerAddress(addr)}
	}
	attrs := []attribute.KeyValue{semconv.ServerAddress(host)}
	if p, err := strconv.Atoi(port); err == nil {
		attrs = append(attrs, semconv.ServerPort(p))
	}
	return attrs
}
