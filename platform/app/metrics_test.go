package app

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsEndpoint checks that --metrics-listen serves /metrics over HTTP until stopped.
func TestMetricsEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()

	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	m := metricsFlags(fs)
	if err := fs.Parse([]string{"--metrics-listen", addr}); err != nil {
		t.Fatal(err)
	}
	stop, err := m.start(context.Background(), "test", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "go_goroutines") {
		t.Errorf("GET /metrics: %s\n%s", resp.Status, body)
	}
	if err := stop(context.Background()); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Error("metrics still served after stop")
	}
}

// TestMetricsEndpointOffByDefault checks that no port is opened unless asked.
func TestMetricsEndpointOffByDefault(t *testing.T) {
	t.Setenv("TANSIQ_METRICS_LISTEN", "")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	m := metricsFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if got := *m.listen; got != "" {
		t.Errorf("default --metrics-listen: got %q, want empty", got)
	}
}
