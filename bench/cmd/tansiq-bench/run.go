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
	fs := flagSet("tansiq-bench")
	repo := fs.String("repo", "", "repository root (default: the directory holding go.work above the working directory)")
	out := fs.String("out", "", "report to write (default: <repo>/BENCHMARKS.md)")
	assets := fs.String("assets", "", "directory for the plots (default: <repo>/bench/results)")
	scratch := fs.String("scratch", "", "directory for profiles and raw output, not committed (default: <repo>/bench/out)")
	levels := fs.String("levels", "1,2,4,8,16,32,64", "concurrency levels of the sweep")
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
	fs.DurationVar(&d.Timeout, "timeout", d.Timeout, "bound on the whole run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if d.Levels, err = intList(*levels); err != nil {
		return err
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
