package proc

import (
	"context"
	"testing"
	"time"
)

// script feeds waitQuiet a clock that moves one window per sleep and CPU counters that
// grow, in each window, by the cores given for it (the last window's repeat forever).
func script(q Quiet, windows []map[string]float64) (func() (CPUSnapshot, error), func() time.Time, func(context.Context, time.Duration)) {
	t0 := time.Unix(1_000_000, 0)
	n := 0
	total := CPUSnapshot{"gateway": 0, "incident": 0, "store": 0}
	read := func() (CPUSnapshot, error) {
		out := CPUSnapshot{}
		for k, v := range total {
			out[k] = v
		}
		return out, nil
	}
	now := func() time.Time { return t0.Add(time.Duration(n) * q.Window) }
	sleep := func(context.Context, time.Duration) {
		w := windows[min(n, len(windows)-1)]
		for k, cores := range w {
			total[k] += time.Duration(cores * float64(q.Window))
		}
		n++
	}
	return read, now, sleep
}

func TestWaitQuietWaitsForConsecutiveQuietWindows(t *testing.T) {
	q := Quiet{Threshold: 0.1, Window: time.Second, Windows: 3, Cap: 90 * time.Second}
	busy := map[string]float64{"gateway": 0.9, "store": 0.3}
	calm := map[string]float64{"gateway": 0.02, "store": 0.03}
	// Busy 4 s, a quiet second, busy again (a snapshot written), then quiet for good.
	read, now, sleep := script(q, []map[string]float64{busy, busy, busy, busy, calm, busy, calm})
	got, err := waitQuiet(context.Background(), q, read, now, sleep)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Quiet || got.After != 6*time.Second || got.Waited != 9*time.Second {
		t.Errorf("got quiet %v after %v (waited %v); want quiet after 6s, waited 9s", got.Quiet, got.After, got.Waited)
	}
	// Spent is the work before the quiet windows: 5 busy seconds and one calm one.
	if d := got.Spent["gateway"] - 4520*time.Millisecond; d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("gateway spent %v before settling, want 4.52s", got.Spent["gateway"])
	}
	if got.Spent["incident"] != 0 {
		t.Errorf("incident spent %v, want 0", got.Spent["incident"])
	}
}

func TestWaitQuietStopsAtTheCapAndSaysWhatWasBusy(t *testing.T) {
	q := Quiet{Threshold: 0.1, Window: time.Second, Windows: 3, Cap: 10 * time.Second}
	read, now, sleep := script(q, []map[string]float64{{"gateway": 0.05, "incident": 0.5}})
	got, err := waitQuiet(context.Background(), q, read, now, sleep)
	if err != nil {
		t.Fatal(err)
	}
	if got.Quiet || got.After != 10*time.Second {
		t.Errorf("got quiet %v after %v; want not quiet, at the 10s cap", got.Quiet, got.After)
	}
	if c := got.Last["incident"]; c < 0.49 || c > 0.51 {
		t.Errorf("last window: incident %.3f cores, want 0.5", c)
	}
}

func TestWaitQuietAtOnce(t *testing.T) {
	q := Quiet{Threshold: 0.1, Window: time.Second, Windows: 2, Cap: time.Minute}
	read, now, sleep := script(q, []map[string]float64{{"store": 0.01}})
	got, err := waitQuiet(context.Background(), q, read, now, sleep)
	if err != nil || !got.Quiet || got.After != 0 || got.Waited != 2*time.Second {
		t.Errorf("already quiet: got %+v, %v; want quiet after 0s, waited 2s", got, err)
	}
}

// A process that has exited is not quiet: the wait says it ended.
func TestWaitQuietFailsWhenAProcessExited(t *testing.T) {
	p, err := Start("short", "", "true", nil, t.TempDir()+"/short.log")
	if err != nil {
		t.Fatal(err)
	}
	<-p.done
	q := Quiet{Threshold: 0.1, Window: 10 * time.Millisecond, Windows: 1, Cap: time.Second}
	if got, err := WaitQuiet(context.Background(), q, p); err == nil {
		t.Errorf("WaitQuiet on an exited process = %+v, want an error", got)
	}
}
