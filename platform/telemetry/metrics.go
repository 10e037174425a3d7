package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Metrics is the process's meter provider: what the otelgrpc stats handlers record (the
// rate, errors and duration of every RPC method, as rpc.server.call.duration and
// rpc.client.call.duration with the method and status code) and where it goes.
type Metrics struct {
	// Handler serves the metrics in the Prometheus text format; nil unless asked for.
	Handler  http.Handler
	shutdown func(context.Context) error
}

// Shutdown flushes the OTLP exporter, if any, and stops recording.
func (m *Metrics) Shutdown(ctx context.Context) error { return m.shutdown(ctx) }

// SetupMetrics installs the global meter provider for the named service when metrics are
// wanted: kept for Prometheus to scrape through Metrics.Handler when prometheus is true,
// and pushed over OTLP/gRPC when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) is set. With neither, nothing is installed and RPCs
// cost no metric bookkeeping at all.
func SetupMetrics(ctx context.Context, service string, prom bool) (*Metrics, error) {
	m := &Metrics{shutdown: func(context.Context) error { return nil }}
	var readers []sdkmetric.Option
	if prom {
		// A registry of our own rather than the default one, so nothing another library
		// registers globally ends up on the endpoint unasked.
		reg := prometheus.NewRegistry()
		if err := reg.Register(collectors.NewGoCollector()); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		exp, err := otelprom.New(otelprom.WithRegisterer(reg))
		if err != nil {
			return nil, fmt.Errorf("prometheus exporter: %w", err)
		}
		readers = append(readers, sdkmetric.WithReader(exp))
		m.Handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	}
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") != "" {
		exp, err := otlpmetricgrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("otlp metric exporter: %w", err)
		}
		readers = append(readers, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)))
	}
	metricsRecorded.Store(len(readers) > 0)
	if len(readers) == 0 {
		return m, nil
	}
	mp := sdkmetric.NewMeterProvider(append(readers, sdkmetric.WithResource(newResource(service)))...)
	otel.SetMeterProvider(mp)
	m.shutdown = func(ctx context.Context) error {
		err := mp.Shutdown(ctx)
		if errors.Is(err, sdkmetric.ErrReaderShutdown) {
			return nil // already shut down: Shutdown is safe to call twice
		}
		return err
	}
	return m, nil
}
