package telemetry_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/telemetry"
)

// driverSpans are the spans the driver's monitor made: the embedded FerretDB traces its own
// work with the same global provider, and those spans are not under test here.
func driverSpans(rec *tracetest.SpanRecorder) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.InstrumentationScope().Name == telemetry.MongoScope {
			out = append(out, s)
		}
	}
	return out
}

// exported sets tracing up as a process exporting its spans does (to a trace file), so
// the store's client gets the command monitor; the test's provider is set after it.
func exported(t *testing.T) {
	t.Helper()
	t.Setenv("TANSIQ_TRACE_FILE", t.TempDir()+"/traces.jsonl")
	stop, err := telemetry.Setup(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop(context.Background()) })
}

// TestNoMonitorWhenNoSpanIsExported: with tracing set up and no exporter, the store's
// client has no command monitor (its spans would be thrown away); with an exporter it has.
func TestNoMonitorWhenNoSpanIsExported(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	t.Setenv("TANSIQ_TRACE_FILE", "")
	ctx := context.Background()
	stop, err := telemetry.Setup(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stop(ctx) }()
	if m := telemetry.MongoMonitor(); m != nil {
		t.Errorf("with no exporter, MongoMonitor = %v, want none", m)
	}
	// The store's client then has only its own bookkeeping of answers (Ready).
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), Database: "telemetry_test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	if _, err := db.Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("things").InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}}); err == nil {
		t.Fatal("duplicate insert succeeded")
	}
	if err := db.Ready(ctx, time.Hour); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	exported(t)
	if telemetry.MongoMonitor() == nil {
		t.Error("with spans exported, MongoMonitor is nil, want a monitor")
	}
}

// TestStoreCommandsAreSpansOfTheCall opens the store the way every service does (an
// embedded FerretDB) and checks that its commands show up as client spans of the call
// that issued them, and only of such calls.
func TestStoreCommandsAreSpansOfTheCall(t *testing.T) {
	exported(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), Database: "telemetry_test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	things := db.Collection("things")
	// Background work (no span in the context) is not traced.
	if _, err := things.InsertOne(ctx, bson.D{{Key: "_id", Value: "background"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(driverSpans(rec)); n != 0 {
		t.Fatalf("commands outside a call made %d spans, want 0", n)
	}

	callCtx, call := tp.Tracer("test").Start(ctx, "call")
	if _, err := things.InsertOne(callCtx, bson.D{{Key: "_id", Value: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := things.FindOne(callCtx, bson.D{{Key: "_id", Value: "a"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := things.InsertOne(callCtx, bson.D{{Key: "_id", Value: "a"}}); err == nil {
		t.Fatal("duplicate insert succeeded")
	}
	call.End()

	type spanInfo struct {
		name       string
		kind       trace.SpanKind
		status     codes.Code
		collection string
		operation  string
		system     string
	}
	var got []spanInfo
	for _, s := range driverSpans(rec) {
		if s.Parent().SpanID() != call.SpanContext().SpanID() || s.SpanContext().TraceID() != call.SpanContext().TraceID() {
			t.Errorf("span %q: parent %v in trace %v, want parent %v in trace %v", s.Name(),
				s.Parent().SpanID(), s.SpanContext().TraceID(), call.SpanContext().SpanID(), call.SpanContext().TraceID())
		}
		attrs := attribute.NewSet(s.Attributes()...)
		str := func(k string) string { v, _ := attrs.Value(attribute.Key(k)); return v.AsString() }
		if str("server.address") == "" {
			t.Errorf("span %q has no server.address", s.Name())
		}
		got = append(got, spanInfo{s.Name(), s.SpanKind(), s.Status().Code,
			str("db.collection.name"), str("db.operation.name"), str("db.system")})
	}
	want := []spanInfo{
		{"insert things", trace.SpanKindClient, codes.Unset, "things", "insert", "mongodb"},
		{"find things", trace.SpanKindClient, codes.Unset, "things", "find", "mongodb"},
		{"insert things", trace.SpanKindClient, codes.Unset, "things", "insert", "mongodb"},
	}
	if len(got) != len(want) {
		t.Fatalf("spans: got %+v, want %+v", got, want)
	}
	for i := range want {
		// The duplicate key comes back as a write error inside a successful reply, so the
		// command itself succeeded; what the call made of it is the caller's span's business.
		if got[i] != want[i] {
			t.Errorf("span %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestFailedCommandMarksSpan checks that a command the server refuses ends its span with an
// error status.
func TestFailedCommandMarksSpan(t *testing.T) {
	exported(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, store.Options{DataDir: t.TempDir(), Database: "telemetry_test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })

	callCtx, call := tp.Tracer("test").Start(ctx, "call")
	err = db.RunCommand(callCtx, bson.D{{Key: "noSuchCommand", Value: 1}}).Err()
	call.End()
	if err == nil {
		t.Fatal("unknown command succeeded")
	}
	var failed []string
	for _, s := range driverSpans(rec) {
		if s.Status().Code == codes.Error {
			failed = append(failed, s.Name())
		}
	}
	if len(failed) != 1 || failed[0] != "noSuchCommand" {
		t.Errorf("spans with an error status: got %v, want [noSuchCommand]", failed)
	}
}
