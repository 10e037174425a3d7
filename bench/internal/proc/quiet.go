package proc

import (
	"context"
	"fmt"
	"time"
)

// Quiet says when a set of processes counts as settled: their CPU, summed, under
// Threshold cores in each of Windows consecutive windows of Window, waited for at most
// Cap.
type Quiet struct {
	Threshold float64
	Window    time.Duration
	Windows   int
	Cap       time.Duration
}

// Settled is what a wait for quiet found.
type Settled struct {
	// Quiet is false when Cap passed first.
	Quiet bool
	// After is how long after the wait began the quiet windows began (the processes were
	// settled from then on); when the cap was hit, the whole wait. Waited is the whole
	// wait, the confirming windows included.
	After, Waited time.Duration
	// Spent is each process's CPU from the start of the wait to After: the work the
	// processes did before they settled.
	Spent CPUSnapshot
	// Last is each process's CPU, in cores, over the last window measured.
	Last map[string]float64
}

// WaitQuiet reads the processes' CPU (/proc/<pid>/stat) window after window until they
// are quiet by q, or q.Cap passes, or ctx ends. It fails when a process has exited.
func WaitQuiet(ctx context.Context, q Quiet, procs ...*Process) (Settled, error) {
	read := func() (CPUSnapshot, error) {
		for _, p := range procs {
			if p.Exited() {
				return nil, fmt.Errorf("%s exited: %v\n%s", p.Name, p.Err(), p.Tail(2000))
			}
		}
		return SnapshotCPU(procs...), nil
	}
	return waitQuiet(ctx, q, read, time.Now, func(ctx context.Context, d time.Duration) {
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	})
}

// waitQuiet is WaitQuiet with its clock, its sleep and its reading of the CPU given.
func waitQuiet(ctx context.Context, q Quiet, read func() (CPUSnapshot, error), now func() time.Time, sleep func(context.Context, time.Duration)) (Settled, error) {
	var out Settled
	start := now()
	first, err := read()
	if err != nil {
		return out, err
	}
	prev, prevAt := first, start
	// quietSince is when the current run of quiet windows began; quietFrom the CPU then.
	quiet, quietSince, quietFrom := 0, start, first
	for {
		sleep(ctx, q.Window)
		cur, err := read()
		if err != nil {
			return out, err
		}
		at := now()
		used := cur.Since(prev)
		out.Last = map[string]float64{}
		sum := 0.0
		for name, d := range used {
			c := d.Seconds() / at.Sub(prevAt).Seconds()
			out.Last[name] = c
			sum += c
		}
		if sum < q.Threshold {
			if quiet == 0 {
				quietSince, quietFrom = prevAt, prev
			}
			quiet++
		} else {
			quiet = 0
		}
		prev, prevAt = cur, at
		out.Waited = at.Sub(start)
		switch {
		case quiet >= q.Windows:
			out.Quiet, out.After, out.Spent = true, quietSince.Sub(start), quietFrom.Since(first)
			return out, nil
		case out.Waited >= q.Cap || ctx.Err() != nil:
			out.After, out.Spent = out.Waited, cur.Since(first)
			return out, ctx.Err()
		}
	}
}
