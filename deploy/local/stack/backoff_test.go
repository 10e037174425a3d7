package stack

import (
	"testing"
	"time"
)

func TestBackoffNext(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name    string
		uptimes []time.Duration
		want    []time.Duration
	}{
		{"first restart waits the initial delay", []time.Duration{0}, []time.Duration{500 * ms}},
		{"a crash loop doubles up to the cap",
			[]time.Duration{0, 10 * ms, 0, 0, 0, 0, 0, 0},
			[]time.Duration{500 * ms, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second}},
		{"staying up 30s starts again from the initial delay",
			[]time.Duration{0, 0, 0, 30 * time.Second, 0},
			[]time.Duration{500 * ms, time.Second, 2 * time.Second, 500 * ms, time.Second}},
		{"just under 30s does not reset",
			[]time.Duration{0, 30*time.Second - ms},
			[]time.Duration{500 * ms, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := backoffState{policy: DefaultBackoff()}
			for i, up := range tt.uptimes {
				if got, want := b.next(up), tt.want[i]; got != want {
					t.Errorf("restart %d after %s up: got %s, want %s", i+1, up, got, want)
				}
			}
		})
	}
}

func TestBackoffReset(t *testing.T) {
	b := backoffState{policy: DefaultBackoff()}
	b.next(0)
	b.next(0)
	b.reset()
	if got, want := b.next(0), 500*time.Millisecond; got != want {
		t.Errorf("after reset: got %s, want %s", got, want)
	}
}
