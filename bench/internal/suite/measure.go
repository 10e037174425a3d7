package suite

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tansiq/tansiq/bench/internal/load"
	"github.com/tansiq/tansiq/bench/internal/proc"
	"github.com/tansiq/tansiq/bench/internal/stats"
)

// sample is one run of one target.
type sample struct {
	Target      string
	Concurrency int
	RPS         float64
	// P50, P90 and P99 are latencies in microseconds.
	P50, P90, P99 float64
	Calls, Errors int64
	FirstError    string
	// GenCores is the load generator's CPU use, in cores.
	GenCores float64
	// CPU is the CPU time, in seconds, each process used during the run.
	CPU map[string]float64
	// LogBytes is how much each process wrote to its log during the run.
	LogBytes map[string]int64
	// Others is the CPU, in cores, that processes other than the benchmark's used during
	// the run, and Steal what the hypervisor took: how noisy the machine was.
	Others, Steal float64
	// lat are the run's latencies, sorted, for percentiles over pooled runs.
	lat []time.Duration
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// cpuPerCall is the CPU microseconds process name spent per successful call.
func (s sample) cpuPerCall(name string) float64 {
	ok := s.Calls - s.Errors
	if ok <= 0 {
		return 0
	}
	return s.CPU[name] * 1e6 / float64(ok)
}

// series maps a target's name to its samples, one per repetition, in repetition order.
type series map[string][]sample

// measure runs every target runs times at concurrency conc, interleaved (each repetition
// runs every target once, starting with a different one each time), so that a slow
// moment of a shared machine falls on all targets alike and paired ratios stay fair.
func (r *runner) measure(ctx context.Context, conc, runs int, dur time.Duration, targets ...target) (series, error) {
	out := series{}
	for rep := range runs {
		for i := range targets {
			t := targets[(i+rep)%len(targets)]
			s, err := r.once(ctx, conc, dur, t)
			if err != nil {
				return nil, err
			}
			out[t.name] = append(out[t.name], s)
		}
	}
	return out, nil
}

// once runs one target once and records what every process spent on it.
func (r *runner) once(ctx context.Context, conc int, dur time.Duration, t target) (sample, error) {
	if err := ctx.Err(); err != nil {
		return sample{}, fmt.Errorf("out of time before %s at concurrency %d: %w", t.name, conc, err)
	}
	procs := r.procs()
	ctx = r.callContext(ctx)
	// The warm-up comes first, outside the CPU accounting.
	if r.o.Warmup > 0 {
		if _, err := load.Run(ctx, load.Config{Concurrency: conc, Duration: r.o.Warmup}, t.call); err != nil {
			return sample{}, err
		}
	}
	cpu0, logs0 := proc.SnapshotCPU(procs...), logSizes(procs)
	machine0, _ := proc.ReadMachineCPU()
	res, err := load.Run(ctx, load.Config{Concurrency: conc, Duration: dur}, t.call)
	if err != nil {
		return sample{}, err
	}
	machine1, _ := proc.ReadMachineCPU()
	cpu := proc.SnapshotCPU(procs...).Since(cpu0)
	logs := logSizes(procs)
	s := sample{
		Target: t.name, Concurrency: conc, RPS: res.Throughput(),
		P50: us(res.Percentile(50)), P90: us(res.Percentile(90)), P99: us(res.Percentile(99)),
		Calls: res.Calls, Errors: res.Errors, FirstError: res.FirstError, GenCores: res.CPUCores(),
		CPU: map[string]float64{}, LogBytes: map[string]int64{}, lat: res.Latencies,
	}
	for name, d := range cpu {
		s.CPU[name] = d.Seconds()
	}
	s.CPU["load generator"] = res.CPU.Seconds()
	ours := 0.0
	for _, v := range s.CPU {
		ours += v
	}
	if m := machine1.Sub(machine0); res.Elapsed > 0 && m.Busy > 0 {
		// /proc/stat counts in 10ms ticks per CPU: small negative noise is clamped.
		s.Others = max(m.Busy.Seconds()-ours, 0) / res.Elapsed.Seconds()
		s.Steal = m.Steal.Seconds() / res.Elapsed.Seconds()
	}
	for name, n := range logs {
		s.LogBytes[name] = n - logs0[name]
	}
	if res.Errors > 0 {
		r.logf("%s c=%d: %d of %d calls failed (%v), first: %s", t.name, conc, res.Errors, res.Calls, res.ErrorsByCode, res.FirstError)
	}
	return s, nil
}

func logSizes(procs []*proc.Process) map[string]int64 {
	out := map[string]int64{}
	for _, p := range procs {
		if fi, err := os.Stat(p.LogPath); err == nil {
			out[p.Name] = fi.Size()
		}
	}
	return out
}

// figure summarizes f over the samples of one target.
func figure(ss []sample, f func(sample) float64) stats.Summary {
	xs := make([]float64, len(ss))
	for i, s := range ss {
		xs[i] = f(s)
	}
	return stats.Summarize(xs)
}

// paired summarizes g(a[i], b[i]) over the repetitions both targets ran in.
func paired(a, b []sample, g func(a, b sample) float64) stats.Summary {
	n := min(len(a), len(b))
	xs := make([]float64, 0, n)
	for i := range n {
		xs = append(xs, g(a[i], b[i]))
	}
	return stats.Summarize(xs)
}

func ratioRPS(a, b sample) float64 {
	if b.RPS == 0 {
		return 0
	}
	return a.RPS / b.RPS
}

func addedP50(a, b sample) float64 { return a.P50 - b.P50 }
func addedP99(a, b sample) float64 { return a.P99 - b.P99 }

func rps(s sample) float64 { return s.RPS }
func p50(s sample) float64 { return s.P50 }
func p99(s sample) float64 { return s.P99 }

// pooled is the p-th percentile latency, in µs, of all the runs' calls together: with
// a few hundred calls a run, a tail percentile of one run is a handful of calls, and the
// pooled one is steadier.
func pooled(ss []sample, p float64) float64 {
	var all []time.Duration
	for _, s := range ss {
		all = append(all, s.lat...)
	}
	return us(stats.Percentile(stats.SortDurations(all), p))
}

// pooledCalls is the number of successful calls of all runs together.
func pooledCalls(ss []sample) int {
	n := 0
	for _, s := range ss {
		n += len(s.lat)
	}
	return n
}
