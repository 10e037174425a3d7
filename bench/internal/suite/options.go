package suite

import (
	"errors"
	"time"

	"github.com/tansiq/tansiq/bench/internal/proc"
)

// Options control one benchmark run. Defaults keep `make bench` within its time budget
// on a two-core machine.
type Options struct {
	// Repo is the repository root (the directory holding go.work).
	Repo string
	// Out is the report to write (BENCHMARKS.md).
	Out string
	// Assets is where the plots are written; Out links to them by relative path.
	Assets string
	// Scratch receives profiles and raw outputs that are not committed.
	Scratch string
	// Self is this program, re-executed to serve the baseline and the store.
	Self string
	// Command is how the run was started, for the report.
	Command string

	// Runs and Duration are the repetitions and length of each headline measurement.
	Runs     int
	Duration time.Duration
	// Warmup precedes every measured run.
	Warmup time.Duration
	// SweepRuns and SweepDuration are those of each point of the concurrency sweep.
	SweepRuns     int
	SweepDuration time.Duration
	// Levels are the concurrencies of the sweep.
	Levels []int
	// IngestConcurrency is the concurrency of the ingest comparison.
	IngestConcurrency int
	// StartCycles is how many times the processes are started to time start-up.
	StartCycles int
	// Auth runs the processes with bearer-token authentication on.
	Auth bool
	// LogLevel is the processes' --log-level ("info" logs one line per call, as shipped).
	LogLevel string
	// GoBenchtime and GoBenchCount are -benchtime and -count of the zone benchmarks;
	// GapsBenchtime is -benchtime of the coverage benchmarks.
	GoBenchtime   string
	GoBenchCount  int
	GapsBenchtime string
	// Profile records CPU profiles of the scenarios that miss a target.
	Profile bool

	// ScaleSizes are the incident counts the scale section loads through the API, in
	// increasing order; none skips the section.
	ScaleSizes []int
	// APILoad is how many incidents are created through the gateway's CreateIncident,
	// LoadConcurrency callers over LoadConns connections; the rest are stored by the incident
	// service's batch loader (cmd/incident-load), since a call each would take too long.
	APILoad                    int
	LoadConcurrency, LoadConns int
	// ScaleRuns and ScaleDuration are the repetitions and length of each read measured
	// at each size.
	ScaleRuns     int
	ScaleDuration time.Duration
	// Watches idle WatchIncidents streams are held open for IdleWindow to read the
	// processes' CPU.
	Watches    int
	IdleWindow time.Duration
	// Settle is when the scale section counts the processes, started on newly loaded data,
	// as settled: it waits for that after they are healthy, and measures only then.
	Settle proc.Quiet
	// ImportRows is the size of the archive `tansiq import incidents` loads after the
	// largest size (0 skips it); ImportParallel its --parallel (0: the CLI's default).
	ImportRows, ImportParallel int
	// Timeout bounds the whole run.
	Timeout time.Duration
}

// Defaults are the options of `make bench`.
func Defaults() Options {
	return Options{
		Runs: 5, Duration: 2 * time.Second, Warmup: 300 * time.Millisecond,
		SweepRuns: 3, SweepDuration: time.Second, Levels: []int{1, 2, 4, 8, 16, 32, 64},
		IngestConcurrency: 8, StartCycles: 3, Auth: true, LogLevel: "info",
		GoBenchtime: "0.2s", GoBenchCount: 3, GapsBenchtime: "5x", Profile: true,
		ScaleSizes: []int{1_000, 20_000, 100_000}, APILoad: 1_000, LoadConcurrency: 32, LoadConns: 8,
		ScaleRuns: 3, ScaleDuration: 2 * time.Second, Watches: 20, IdleWindow: 10 * time.Second,
		Settle:     proc.Quiet{Threshold: 0.1, Window: time.Second, Windows: 3, Cap: 90 * time.Second},
		ImportRows: 10_000, ImportParallel: 16,
		Timeout: 3 * time.Hour,
	}
}

// Quick trims o to a run of minutes: the scale section at 1,000 and 10,000 incidents, a
// shorter sweep and fewer repetitions. Its figures are coarser, and the 100,000 targets
// are left unjudged.
func (o *Options) Quick() {
	o.Runs, o.Duration, o.SweepRuns, o.SweepDuration = 3, time.Second, 1, 500*time.Millisecond
	o.Levels = []int{1, 8, 64}
	o.StartCycles, o.GoBenchCount = 1, 1
	o.ScaleSizes, o.ScaleRuns, o.ScaleDuration, o.IdleWindow = []int{1_000, 10_000}, 2, time.Second, 5*time.Second
	o.ImportRows = 2_000
	o.Timeout = 45 * time.Minute
}

func (o Options) check() error {
	switch {
	case o.Repo == "" || o.Out == "" || o.Assets == "" || o.Scratch == "" || o.Self == "":
		return errors.New("suite: Repo, Out, Assets, Scratch and Self are required")
	case o.Runs < 1 || o.SweepRuns < 1 || o.StartCycles < 1 || o.GoBenchCount < 1:
		return errors.New("suite: run counts must be at least 1")
	case o.Duration <= 0 || o.SweepDuration <= 0:
		return errors.New("suite: durations must be positive")
	case len(o.Levels) == 0 || o.IngestConcurrency < 1:
		return errors.New("suite: need concurrency levels")
	}
	for i, n := range o.ScaleSizes {
		if n < 1 || i > 0 && n <= o.ScaleSizes[i-1] {
			return errors.New("suite: scale sizes must be positive and increasing")
		}
	}
	if len(o.ScaleSizes) > 0 && (o.APILoad < 0 || o.LoadConcurrency < 1 || o.LoadConns < 1 || o.ScaleRuns < 1 || o.ScaleDuration <= 0 || o.IdleWindow <= 0) {
		return errors.New("suite: the scale section needs positive load, runs and windows")
	}
	if q := o.Settle; len(o.ScaleSizes) > 0 && (q.Threshold <= 0 || q.Window <= 0 || q.Windows < 1 || q.Cap < q.Window) {
		return errors.New("suite: the scale section needs a positive settle threshold, window and count, and a cap of at least a window")
	}
	for _, l := range o.Levels {
		if l < 1 || l > 1024 {
			return errors.New("suite: concurrency levels must be in 1..1024")
		}
	}
	return nil
}
