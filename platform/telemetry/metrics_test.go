package telemetry_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/telemetry"
)

// TestMetricsCountCallsPerMethodAndCode checks the RED metrics a scrape shows: per method
// and status code, how many calls there were and how long they took.
func TestMetricsCountCallsPerMethodAndCode(t *testing.T) {
	ctx := context.Background()
	mx, err := telemetry.SetupMetrics(ctx, "tansiq-test", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mx.Shutdown(context.Background()) })
	if mx.Handler == nil {
		t.Fatal("no Prometheus handler")
	}

	srv := grpc.NewServer(grpc.StatsHandler(otelgrpc.NewServerHandler()))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client := healthpb.NewHealthClient(conn)
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for range 3 {
		if _, err := client.Check(cctx, &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.Check(cctx, &healthpb.HealthCheckRequest{Service: "nope"}); status.Code(err) != codes.NotFound {
		t.Fatalf("check of an unknown service: %v, want NOT_FOUND", err)
	}

	tests := []struct {
		metric, code string
		want         int
	}{
		{"rpc_server_call_duration_seconds_count", "OK", 3},
		{"rpc_server_call_duration_seconds_count", "NOT_FOUND", 1},
		{"rpc_client_call_duration_seconds_count", "OK", 3},
		{"rpc_client_call_duration_seconds_count", "NOT_FOUND", 1},
	}
	mismatches := func(body []byte) (out []string) {
		for _, tt := range tests {
			re := regexp.MustCompile(tt.metric + `\{[^}]*rpc_method="grpc\.health\.v1\.Health/Check"[^}]*rpc_response_status_code="` + tt.code + `"[^}]*\} (\d+)`)
			m := re.FindSubmatch(body)
			if m == nil {
				out = append(out, fmt.Sprintf("%s for Check %s: missing from the scrape", tt.metric, tt.code))
				continue
			}
			if got, _ := strconv.Atoi(string(m[1])); got != tt.want {
				out = append(out, fmt.Sprintf("%s for Check %s: got %d, want %d", tt.metric, tt.code, got, tt.want))
			}
		}
		return out
	}
	// The server records a call when it has sent the reply, so the client may see the
	// reply first: scrape until the counts are in, for a while.
	var body []byte
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		rr := httptest.NewRecorder()
		mx.Handler.ServeHTTP(rr, httptest.NewRequest("GET", "/metrics", nil))
		body, _ = io.ReadAll(rr.Body)
		if len(mismatches(body)) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, m := range mismatches(body) {
		t.Errorf("%s:\n%s", m, body)
	}
	if !regexp.MustCompile(`(?m)^rpc_server_call_duration_seconds_bucket\{`).Match(body) {
		t.Error("no duration histogram buckets in the scrape")
	}
	if !regexp.MustCompile(`target_info\{[^}]*service_name="tansiq-test"`).Match(body) {
		t.Error("the scrape does not name the service")
	}
}

// TestMetricsOffByDefault checks that with neither Prometheus nor OTLP asked for, there is
// nothing to serve.
func TestMetricsOffByDefault(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "")
	mx, err := telemetry.SetupMetrics(context.Background(), "tansiq-test", false)
	if err != nil {
		t.Fatal(err)
	}
	if mx.Handler != nil {
		t.Error("a Prometheus handler without being asked for one")
	}
	if err := mx.Shutdown(context.Background()); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
