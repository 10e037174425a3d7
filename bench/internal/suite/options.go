package suite

import (
	"errors"
	"time"
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
		Timeout: 12 * time.Minute,
	}
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
	for _, l := range o.Levels {
		if l < 1 || l > 1024 {
			return errors.New("suite: concurrency levels must be in 1..1024")
		}
	}
	return nil
}
