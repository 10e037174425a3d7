package suite

import (
	"context"
	"os"
	"path/filepath"

	"github.com/tansiq/tansiq/bench/internal/gobench"
	"github.com/tansiq/tansiq/bench/internal/stats"
)

// goBenchmarks runs the zone-placement, coverage and picture benchmarks of the gateway module. A
// package that is missing or fails leaves a note in the report instead of stopping the run.
func (r *runner) goBenchmarks(ctx context.Context) {
	geo := gobench.Spec{Dir: r.o.Repo, Package: "./gateway/internal/geo", Pattern: "Containing",
		Benchtime: r.o.GoBenchtime, Count: r.o.GoBenchCount}
	gaps := gobench.Spec{Dir: r.o.Repo, Package: "./gateway/internal/assess", Pattern: ".",
		Benchtime: r.o.GapsBenchtime, Count: r.o.GoBenchCount}
	// The picture benchmark reads its deployments from an embedded store in the test
	// process, so each iteration costs a store round trip: 5x keeps it to seconds.
	pic := gobench.Spec{Dir: r.o.Repo, Package: "./gateway/internal/coverage", Pattern: "Picture",
		Benchtime: r.o.GapsBenchtime, Count: r.o.GoBenchCount}
	// The bearer-token check every call makes: full Ed25519 verification against the cache.
	tok := gobench.Spec{Dir: r.o.Repo, Package: "./platform/auth", Pattern: "Verify",
		Benchtime: r.o.GoBenchtime, Count: r.o.GoBenchCount}
	r.res.GeoCmd, r.res.GapsCmd, r.res.PictureCmd, r.res.TokenCmd = geo.Command(), gaps.Command(), pic.Command(), tok.Command()
	r.res.Token, r.res.TokenErr = r.runGoBench(ctx, tok, "token-bench.txt")
	r.res.Geo, r.res.GeoErr = r.runGoBench(ctx, geo, "geo-bench.txt")
	r.res.Gaps, r.res.GapsErr = r.runGoBench(ctx, gaps, "coverage-bench.txt")
	r.res.Picture, r.res.PictureErr = r.runGoBench(ctx, pic, "picture-bench.txt")
	r.cotBenchmark(ctx)
}

func (r *runner) runGoBench(ctx context.Context, s gobench.Spec, rawName string) (map[string]map[string]stats.Summary, string) {
	if _, err := os.Stat(filepath.Join(s.Dir, s.Package)); err != nil {
		return nil, s.Package + " is not in the repository yet"
	}
	lines, raw, err := gobench.Run(ctx, s)
	_ = os.WriteFile(filepath.Join(r.o.Scratch, rawName), []byte(raw), 0o644)
	if err != nil {
		r.logf("%v", err)
		return nil, "`" + s.Command() + "` failed; its output is in bench/out/" + rawName
	}
	if len(lines) == 0 {
		return nil, "no benchmark of " + s.Package + " matched " + s.Pattern
	}
	return gobench.Summaries(lines), ""
}
