package bridge

import (
	"context"

	"go.opentelemetry.io/otel/metric"

	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// observeHub reports, through meter, the TAK clients subscribed to the picture
// (tansiq.cot.clients) and those dropped for falling a whole queue behind
// (tansiq.cot.clients.dropped): what an operator watches to see devices connected, and
// too slow to keep up. They are read only when the metrics are collected.
func observeHub(meter metric.Meter, h *hub.Hub) error {
	clients, err := meter.Int64ObservableGauge("tansiq.cot.clients",
		metric.WithDescription("TAK clients subscribed to the picture"))
	if err != nil {
		return err
	}
	dropped, err := meter.Int64ObservableCounter("tansiq.cot.clients.dropped",
		metric.WithDescription("TAK clients dropped for falling a whole queue behind"))
	if err != nil {
		return err
	}
	_, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(clients, int64(h.Subscribers()))
		o.ObserveInt64(dropped, h.Dropped())
		return nil
	}, clients, dropped)
	return err
}
