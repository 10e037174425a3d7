package embedded

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
)

// counted counts how often it is formatted.
type counted struct{ n *atomic.Int64 }

func (c counted) MarshalJSON() ([]byte, error) {
	c.n.Add(1)
	return []byte(`"document"`), nil
}

// TestLoggerFormatsOnlyWhatItWrites: FerretDB's logger, derived per statement with the
// statement's arguments and used at Debug (off), never formats those arguments; a record
// it does write (an error) carries them, and groups still nest.
func TestLoggerFormatsOnlyWhatItWrites(t *testing.T) {
	var out bytes.Buffer
	var formatted atomic.Int64
	log := newLogger(&out)
	for range 100 {
		l := log.With("args", counted{&formatted})
		l.Debug(">>> INSERT")
		l.With("rows", 1).Debug("<<< INSERT")
	}
	if n := formatted.Load(); n != 0 || out.Len() != 0 {
		t.Fatalf("debug records of derived loggers formatted their attributes %d times and wrote %q, want neither", n, out.String())
	}
	log.With("args", counted{&formatted}).WithGroup("g").With("rows", 2).Error("failed", "code", 11000)
	got := out.String()
	for _, want := range []string{`"args":"document"`, `"g":{"rows":2,"code":11000}`, `"msg":"failed"`} {
		if !strings.Contains(got, want) {
			t.Errorf("error record %s lacks %s", got, want)
		}
	}
	if n := formatted.Load(); n != 1 {
		t.Errorf("the written record formatted its attribute %d times, want 1", n)
	}
}
