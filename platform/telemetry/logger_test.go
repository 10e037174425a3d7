package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/tansiq/tansiq/platform/telemetry"
)

// writes records each Write it is given.
type writes struct {
	mu  sync.Mutex
	got [][]byte
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, bytes.Clone(p))
	return len(p), nil
}

// lines returns the lines written so far and in how many writes.
func (w *writes) lines() ([]string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	all := string(bytes.Join(w.got, nil))
	return strings.Split(strings.TrimSuffix(all, "\n"), "\n"), len(w.got)
}

func (w *writes) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.got)
}

// TestLogLinesAreGatheredAndWrittenTogether: a burst of info lines reaches the output in
// one write (or a few), LogDelay after the first (waited for here up to 5 s).
func TestLogLinesAreGatheredAndWrittenTogether(t *testing.T) {
	w := &writes{}
	log, _ := telemetry.NewLogger(w, "test", slog.LevelInfo)
	for i := range 100 {
		log.Info("call", "i", i)
	}
	for deadline := time.Now().Add(5 * time.Second); w.count() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	lines, n := w.lines()
	if len(lines) != 100 {
		t.Fatalf("%d lines written, want 100", len(lines))
	}
	// One write unless the machine stalled this loop for LogDelay: a few at most.
	if n > 10 {
		t.Errorf("100 lines logged together reached the output in %d writes, want one or a few", n)
	}
	for i, l := range lines {
		var rec struct {
			Msg     string `json:"msg"`
			Service string `json:"service"`
			I       int    `json:"i"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.I != i || rec.Service != "test" {
			t.Fatalf("line %d is %q (%v), want record %d in order", i, l, err, i)
		}
	}
}

// TestWarningIsWrittenAtOnceAfterTheLinesBeforeIt: a warning does not wait, and the info
// lines gathered before it come first.
func TestWarningIsWrittenAtOnceAfterTheLinesBeforeIt(t *testing.T) {
	w := &writes{}
	log, _ := telemetry.NewLogger(w, "test", slog.LevelInfo)
	log.Info("first")
	log.Info("second")
	log.Warn("trouble")
	lines, _ := w.lines() // no wait: written by the time Warn returned
	want := []string{"first", "second", "trouble"}
	if len(lines) != len(want) {
		t.Fatalf("written when Warn returned: %q, want the three lines", lines)
	}
	for i, l := range lines {
		if !strings.Contains(l, `"msg":"`+want[i]+`"`) {
			t.Errorf("line %d is %q, want %q", i, l, want[i])
		}
	}
}

// TestFlushWritesTheGatheredLines: the flush a process runs before it exits writes what
// is still gathered, with the trace ids of a record logged inside a span.
func TestFlushWritesTheGatheredLines(t *testing.T) {
	w := &writes{}
	log, flush := telemetry.NewLogger(w, "test", slog.LevelInfo)
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}})
	log.InfoContext(trace.ContextWithSpanContext(context.Background(), sc), "last words")
	flush()
	lines, _ := w.lines()
	if len(lines) != 1 || !strings.Contains(lines[0], `"msg":"last words"`) || !strings.Contains(lines[0], `"trace_id":"`+sc.TraceID().String()+`"`) {
		t.Fatalf("after the flush: %q, want the line with its trace id", lines)
	}
}
