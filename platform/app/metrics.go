package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/telemetry"
)

// metricsConfig is where a deployable serves its RPC metrics.
type metricsConfig struct {
	listen *string
}

func metricsFlags(fs *flag.FlagSet) *metricsConfig {
	return &metricsConfig{
		listen: config.String(fs, "metrics-listen", "TANSIQ_METRICS_LISTEN", "",
			"serve Prometheus metrics at http://ADDR/metrics; empty serves none (OTLP metrics follow OTEL_EXPORTER_OTLP_ENDPOINT)"),
	}
}

// start installs the meter provider and, when --metrics-listen is set, serves /metrics
// over HTTP until the returned stop is called.
func (m *metricsConfig) start(ctx context.Context, name string, log *slog.Logger) (stop func(context.Context) error, err error) {
	mx, err := telemetry.SetupMetrics(ctx, "tansiq-"+name, *m.listen != "")
	if err != nil {
		return nil, err
	}
	if *m.listen == "" {
		return mx.Shutdown, nil
	}
	lis, err := net.Listen("tcp", *m.listen)
	if err != nil {
		_ = mx.Shutdown(ctx)
		return nil, fmt.Errorf("--metrics-listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", mx.Handler)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics endpoint stopped", "err", err)
		}
	}()
	log.Info("serving metrics", "url", "http://"+lis.Addr().String()+"/metrics")
	return func(ctx context.Context) error {
		return errors.Join(srv.Shutdown(ctx), mx.Shutdown(ctx))
	}, nil
}
