package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/tansiq/tansiq/bench/internal/suite"
)

// run runs the benchmarks with the options of the command line.
func run(ctx context.Context, args []string) error {
	d := suite.Defaults()
	if quickRequested(args) {
		d.Quick() // the quick run's values become the defaults; flags given explicitly win
	}
	fs := flagSet("tansiq-bench")
	repo := fs.String("repo", "", "repository root (default: the directory holding go.work above the working directory)")
	out := fs.String("out", "", "report to write (default: <repo>/BENCHMARKS.md)")
	assets := fs.String("assets", "", "directory for the plots (default: <repo>/bench/results)")
	scratch := fs.String("scratch", "", "directory for profiles and raw output, not committed (default: <repo>/bench/out)")
	levels := fs.String("levels", joinInts(d.Levels), "concurrency levels of the sweep")
	fs.IntVar(&d.Runs, "runs", d.Runs, "repetitions of each headline measurement")
	fs.DurationVar(&d.Duration, "duration", d.Duration, "length of each headline run")
	fs.DurationVar(&d.Warmup, "warmup", d.Warmup, "warm-up before each run")
	fs.IntVar(&d.SweepRuns, "sweep-runs", d.SweepRuns, "repetitions of each sweep point")
	fs.DurationVar(&d.SweepDuration, "sweep-duration", d.SweepDuration, "length of each sweep run")
	fs.IntVar(&d.IngestConcurrency, "ingest-concurrency", d.IngestConcurrency, "concurrency of the ingest comparison")
	fs.IntVar(&d.StartCycles, "start-cycles", d.StartCycles, "how many times to start the processes to time start-up")
	fs.BoolVar(&d.Auth, "auth", d.Auth, "run the processes with bearer-token authentication")
	fs.StringVar(&d.LogLevel, "log-level", d.LogLevel, "the processes' --log-level")
	fs.StringVar(&d.GoBenchtime, "go-benchtime", d.GoBenchtime, "-benchtime of the zone benchmarks")
	fs.IntVar(&d.GoBenchCount, "go-count", d.GoBenchCount, "-count of the Go benchmarks")
	fs.StringVar(&d.GapsBenchtime, "gaps-benchtime", d.GapsBenchtime, "-benchtime of the coverage benchmarks")
	fs.BoolVar(&d.Profile, "profile", d.Profile, "profile the scenarios that miss a target")
	sizes := fs.String("scale-sizes", joinInts(d.ScaleSizes), "incident counts of the scale section, loaded through the API (\"\" skips it)")
	fs.IntVar(&d.APILoad, "api-load", d.APILoad, "incidents of the scale section created through the gateway; the rest are stored by the incident service's batch loader")
	fs.IntVar(&d.LoadConcurrency, "load-concurrency", d.LoadConcurrency, "callers creating the scale section's incidents")
	fs.IntVar(&d.LoadConns, "load-conns", d.LoadConns, "connections those callers share")
	fs.IntVar(&d.ScaleRuns, "scale-runs", d.ScaleRuns, "repetitions of each read at each size")
	fs.DurationVar(&d.ScaleDuration, "scale-duration", d.ScaleDuration, "length of each read run at each size")
	fs.IntVar(&d.Watches, "watches", d.Watches, "idle WatchIncidents streams held open at each size")
	fs.DurationVar(&d.IdleWindow, "idle-window", d.IdleWindow, "window over which idle CPU is read")
	fs.Float64Var(&d.Settle.Threshold, "settle-threshold", d.Settle.Threshold, "scale section: the servers' CPU, in cores summed, under which a window counts as quiet")
	fs.DurationVar(&d.Settle.Window, "settle-window", d.Settle.Window, "scale section: the length of one window of the settling wait")
	fs.IntVar(&d.Settle.Windows, "settle-windows", d.Settle.Windows, "scale section: consecutive quiet windows that make the processes settled")
	fs.DurationVar(&d.Settle.Cap, "settle-cap", d.Settle.Cap, "scale section: the longest wait for the processes to settle after a start; then it measures anyway and says so")
	fs.IntVar(&d.ImportRows, "import-rows", d.ImportRows, "rows of the archive `tansiq import incidents` loads (0 skips it)")
	fs.IntVar(&d.ImportParallel, "import-parallel", d.ImportParallel, "--parallel of that import (0: the CLI's own default)")
	quick := fs.Bool("quick", false, "a run of minutes: scale sizes 1,000 and 10,000, fewer and shorter runs (flags given explicitly still apply)")
	fs.DurationVar(&d.Timeout, "timeout", d.Timeout, "bound on the whole run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_ = *quick // read before parsing, in quickRequested
	var err error
	if d.Levels, err = intList(*levels); err != nil {
		return err
	}
	if d.ScaleSizes = nil; *sizes != "" {
		if d.ScaleSizes, err = intList(*sizes); err != nil {
			return err
		}
	}
	if *repo == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		if *repo, err = findRepo(wd); err != nil {
			return err
		}
	}
	if d.Repo, err = filepath.Abs(*repo); err != nil {
		return err
	}
	d.Out = orDefault(*out, filepath.Join(d.Repo, "BENCHMARKS.md"))
	d.Assets = orDefault(*assets, filepath.Join(d.Repo, "bench", "results"))
	d.Scratch = orDefault(*scratch, filepath.Join(d.Repo, "bench", "out"))
	for _, p := range []*string{&d.Out, &d.Assets, &d.Scratch} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
	}
	if d.Self, err = os.Executable(); err != nil {
		return err
	}
	d.Command = "make bench  # tansiq-bench " + strings.Join(args, " ")
	return suite.Run(ctx, d, os.Stderr)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// quickRequested reports whether args ask for -quick (the flag package cannot tell before
// parsing, and the quick run changes the other flags' defaults).
func quickRequested(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		switch a {
		case "-quick", "--quick", "-quick=true", "--quick=true":
			return true
		}
	}
	return false
}
