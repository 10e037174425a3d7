// Package telemetry sets up what every Tansiq process reports: JSON logs that carry the
// trace id of the call they belong to; OpenTelemetry traces exported over OTLP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set (or written to TANSIQ_TRACE_FILE for tests), with W3C
// trace context propagated across processes and a span for each store command; and the
// RPC metrics (rate, errors, duration per method) for Prometheus to scrape or pushed over
// OTLP.
package telemetry
