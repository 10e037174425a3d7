package telemetry

import (
	"context"
	"errors"
	"fmt"
	"os"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// Setup installs the global tracer provider and W3C propagators for the named service.
// Spans are always created (so logs carry trace ids); they are exported over OTLP/gRPC when
// OTEL_EXPORTER_OTLP_ENDPOINT is set, and appended as JSON lines to TANSIQ_TRACE_FILE when
// that is set. With neither, an RPC's span is only its span context (ServerHandler). The
// returned function flushes and stops the exporters.
func Setup(ctx context.Context, service string) (shutdown func(context.Context) error, err error) {
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(newResource(service))}
	exported := false
	var closers []func(context.Context) error
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" {
		exp, err := otlptracegrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
		exported = true
	}
	if path := os.Getenv("TANSIQ_TRACE_FILE"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return nil, fmt.Errorf("trace file: %w", err)
		}
		exp, err := stdouttrace.New(stdouttrace.WithWriter(f))
		if err != nil {
			return nil, fmt.Errorf("trace file exporter: %w", err)
		}
		// Synchronous so a test reading the file after a call sees its spans.
		opts = append(opts, sdktrace.WithSyncer(exp))
		exported = true
		closers = append(closers, func(context.Context) error { return f.Close() })
	}
	spansExported.Store(exported)
	tracingSetUp.Store(true)
	tp := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return func(ctx context.Context) error {
		err := tp.Shutdown(ctx)
		for _, c := range closers {
			err = errors.Join(err, c(ctx))
		}
		return err
	}, nil
}

// newResource describes the process to every exporter, traces and metrics alike.
func newResource(service string) *resource.Resource {
	return resource.NewSchemaless(semconv.ServiceName(service))
}
