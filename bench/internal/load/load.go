package load

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/bench/internal/stats"
)

// Call makes one call within ctx, which carries its deadline. seq is unique across every
// call of one Run (warm-up included), for callers that need unique request ids.
type Call func(ctx context.Context, seq int64) error

// DefaultMaxCalls bounds the measured calls of one run when Config.MaxCalls is zero: far
// more than a few seconds at any rate this machine reaches, and a ceiling on memory.
const DefaultMaxCalls = 2_000_000

// Config says how hard and how long to drive a target.
type Config struct {
	// Concurrency is the number of workers, each with one call in flight (at least 1).
	Concurrency int
	// Warmup is how long calls are made, and not recorded, before the measurement.
	Warmup time.Duration
	// Duration is how long the measured phase starts new calls; calls in flight at its end
	// complete and are counted.
	Duration time.Duration
	// MaxCalls bounds the measured calls (DefaultMaxCalls when 0).
	MaxCalls int64
	// CallTimeout is each call's deadline (5s when 0).
	CallTimeout time.Duration
}

// Result is what one run measured.
type Result struct {
	Concurrency int
	// Calls is the number of measured calls completed, failed ones included.
	Calls int64
	// Errors is the number of measured calls that failed, by gRPC code name.
	Errors       int64
	ErrorsByCode map[string]int64
	// FirstError is the text of the first failure, for the report.
	FirstError string
	// Elapsed is the time from the first measured call to the last one's end.
	Elapsed time.Duration
	// Latencies are those of the successful measured calls, sorted.
	Latencies []time.Duration
	// CPU is the CPU time this whole process used during the measured phase: the load
	// generator's own cost, when the target runs in another process.
	CPU time.Duration
}

// Throughput is successful calls per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Calls-r.Errors) / r.Elapsed.Seconds()
}

// Percentile is the p-th percentile latency of the successful calls.
func (r Result) Percentile(p float64) time.Duration { return stats.Percentile(r.Latencies, p) }

// CPUCores is the generator's CPU use as a number of cores kept busy.
func (r Result) CPUCores() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return r.CPU.Seconds() / r.Elapsed.Seconds()
}

// Run drives call with cfg.Concurrency workers: a warm-up, then the measured phase. It
// stops early, with what it has, when ctx is done.
func Run(ctx context.Context, cfg Config, call Call) (Result, error) {
	if cfg.Concurrency < 1 {
		return Result{}, errors.New("load: concurrency must be at least 1")
	}
	if cfg.Duration <= 0 {
		return Result{}, errors.New("load: duration must be positive")
	}
	if cfg.MaxCalls <= 0 {
		cfg.MaxCalls = DefaultMaxCalls
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 5 * time.Second
	}
	var seq atomic.Int64
	if cfg.Warmup > 0 {
		// The warm-up is bounded by the same call count as the measurement.
		phase(ctx, cfg, call, &seq, time.Now().Add(cfg.Warmup), false)
	}
	cpu0 := selfCPU()
	start := time.Now()
	workers := phase(ctx, cfg, call, &seq, start.Add(cfg.Duration), true)
	elapsed := time.Since(start)
	res := Result{Concurrency: cfg.Concurrency, Elapsed: elapsed, CPU: selfCPU() - cpu0, ErrorsByCode: map[string]int64{}}
	n := 0
	for _, w := range workers {
		n += len(w.lat)
	}
	res.Latencies = make([]time.Duration, 0, n)
	for _, w := range workers {
		res.Latencies = append(res.Latencies, w.lat...)
		res.Calls += int64(len(w.lat)) + w.errors
		res.Errors += w.errors
		for code, k := range w.byCode {
			res.ErrorsByCode[code] += k
		}
		if res.FirstError == "" {
			res.FirstError = w.firstErr
		}
	}
	stats.SortDurations(res.Latencies)
	return res, nil
}

// worker is one worker's record of a phase.
type worker struct {
	lat      []time.Duration
	errors   int64
	byCode   map[string]int64
	firstErr string
}

// phase runs the workers until deadline, ctx's end, or cfg.MaxCalls calls, and returns
// their records (latencies only when record is set).
func phase(ctx context.Context, cfg Config, call Call, seq *atomic.Int64, deadline time.Time, record bool) []*worker {
	var claimed atomic.Int64
	workers := make([]*worker, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{byCode: map[string]int64{}}
		if record {
			w.lat = make([]time.Duration, 0, 4096)
		}
		workers[i] = w
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) && claimed.Add(1) <= cfg.MaxCalls {
				cctx, cancel := context.WithTimeout(ctx, cfg.CallTimeout)
				t0 := time.Now()
				err := call(cctx, seq.Add(1))
				d := time.Since(t0)
				cancel()
				if !record {
					continue
				}
				if err != nil {
					w.errors++
					w.byCode[status.Code(err).String()]++
					if w.firstErr == "" {
						w.firstErr = err.Error()
					}
					continue
				}
				w.lat = append(w.lat, d)
			}
		})
	}
	wg.Wait()
	return workers
}
