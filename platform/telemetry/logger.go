package telemetry

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// LogDelay is the longest an info or debug line waits before it is written: lines are
// gathered and written together, one write for many calls' lines instead of one each (a
// busy server logs a line per call). A warning or an error is written at once, after the
// lines gathered before it.
const LogDelay = 50 * time.Millisecond

// maxBatch is the size at which gathered lines are written without waiting.
const maxBatch = 64 << 10

// NewLogger returns a JSON logger for the named service whose records carry trace_id
// and span_id when logged with a context inside a span, and the function that writes
// the lines still gathered (call it before the process exits).
func NewLogger(w io.Writer, service string, level slog.Level) (*slog.Logger, func()) {
	b := &batchWriter{w: w}
	h := slog.NewJSONHandler(b, &slog.HandlerOptions{Level: level})
	return slog.New(traceHandler{Handler: h, out: b}).With("service", service), b.Flush
}

// traceHandler adds the current span's ids to each record, and writes out the lines
// gathered so far after a warning or an error.
type traceHandler struct {
	slog.Handler
	out *batchWriter
}

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.out.Flush()
	}
	return err
}

func (h traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return traceHandler{Handler: h.Handler.WithAttrs(as), out: h.out}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{Handler: h.Handler.WithGroup(name), out: h.out}
}

// batchWriter gathers what is written to it (whole lines: slog writes a record at a
// time) and writes it to w at most LogDelay later, or as soon as maxBatch is reached.
type batchWriter struct {
	w     io.Writer
	mu    sync.Mutex
	buf   []byte
	timer *time.Timer
}

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= maxBatch:
		b.flushLocked()
	case b.timer == nil:
		b.timer = time.AfterFunc(LogDelay, b.Flush)
	case len(b.buf) == len(p):
		b.timer.Reset(LogDelay) // the first line since the last write
	}
	return len(p), nil
}

// Flush writes what is gathered now.
func (b *batchWriter) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *batchWriter) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	// A failed write (stderr closed) loses those lines, as an unbuffered write would.
	_, _ = b.w.Write(b.buf)
	b.buf = b.buf[:0]
	if cap(b.buf) > 4*maxBatch {
		b.buf = nil // a burst's buffer is not kept for ever
	}
}
