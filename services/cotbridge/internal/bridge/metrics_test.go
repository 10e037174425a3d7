package bridge

import (
	"context"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// TestHubMetrics: the clients gauge counts the subscribers now connected, the dropped
// counter those that fell a whole queue behind.
func TestHubMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	h := hub.New(1)
	if err := observeHub(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("test"), h); err != nil {
		t.Fatal(err)
	}
	slow, _ := h.Subscribe()
	fast, _ := h.Subscribe()
	h.Publish(&hub.Frame{UID: "a"})
	<-fast.C
	h.Publish(&hub.Frame{UID: "b"}) // slow has not read "a": its queue of one is full
	<-slow.Dropped()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				got[m.Name] = d.DataPoints[0].Value
			case metricdata.Sum[int64]:
				got[m.Name] = d.DataPoints[0].Value
			}
		}
	}
	if got["tansiq.cot.clients"] != 1 || got["tansiq.cot.clients.dropped"] != 1 {
		t.Errorf("metrics = %v, want 1 client connected and 1 dropped", got)
	}
}
