package suite

import (
	"fmt"
	"slices"

	"github.com/tansiq/tansiq/bench/internal/stats"
)

// Status of a figure against its target.
const (
	statusPass = "PASS"
	statusMiss = "MISS"
	statusNone = "—"   // reported, no target
	statusNA   = "n/a" // could not be measured
	// statusNoise marks a figure the machine's noise swamped, such as a negative added
	// latency: a hop cannot make calls faster.
	statusNoise = "inconclusive (noise)"
)

// Scenarios a missed target points at, to profile.
const (
	scenarioRead   = "read"
	scenarioIngest = "ingest"
	// scenarioZone is GetZone: the gateway's own cost, with nothing behind it.
	scenarioZone = "zone"
	// scenarioGeo is zone placement, from gateway/internal/geo's Go benchmarks.
	scenarioGeo = "geo"
)

// Figures of the zone placement targets, which its explanation tells apart.
const (
	figGeoP50   = "Zone placement: point-in-zone p50, R-tree index, 10,000 zones"
	figGeoSpeed = "Zone placement: index speed-up over brute force, 1,000 zones (ns/op)"
)

// verdict is one line of the summary: a figure, its value and its target.
type verdict struct {
	Figure, Measured, Target, Status string
	// Scenario names what to profile when the target is missed.
	Scenario string
}

// atMost and atLeast judge a summary's median against a bound.
func atMost(s stats.Summary, bound float64) string {
	if s.N == 0 {
		return statusNA
	}
	if s.Median <= bound {
		return statusPass
	}
	return statusMiss
}

func atLeast(s stats.Summary, bound float64) string {
	if s.N == 0 {
		return statusNA
	}
	if s.Median >= bound {
		return statusPass
	}
	return statusMiss
}

// verdicts computes every headline figure of the run.
func (res *Results) verdicts() []verdict {
	var out []verdict
	P, H := res.Peak, res.Half
	base := res.AtPeak[tBaseline]
	baseRPS := figure(base, rps)
	perCore := baseRPS
	perCore.Median, perCore.Min, perCore.Max = baseRPS.Median/float64(max(res.Machine.CPUs, 1)), baseRPS.Min/float64(max(res.Machine.CPUs, 1)), baseRPS.Max/float64(max(res.Machine.CPUs, 1))
	out = append(out, verdict{
		Figure:   fmt.Sprintf("Baseline: bare grpc-go unary calls/s at concurrency %d", P),
		Measured: baseRPS.Format("%.0f") + fmt.Sprintf(" (%s per core)", perCore.Format("%.0f")),
		Target:   "reference (published: 14–30k/s per core)", Status: statusNone,
	})

	zone := verdict{Figure: fmt.Sprintf("Gateway read from its own memory (GetZone) / baseline, throughput at concurrency %d", P),
		Target: "≥ 0.50", Scenario: scenarioZone}
	if z, ok := res.AtPeak[tZone]; ok {
		s := paired(z, base, ratioRPS)
		zone.Measured, zone.Status = s.Format("%.2f"), atLeast(s, 0.5)
	} else {
		zone.Measured, zone.Status = "not measured: "+res.ZoneNote, statusNA
	}
	out = append(out, zone)

	fwd := paired(res.AtPeak[tGateway], res.AtPeak[tDirect], ratioRPS)
	out = append(out, verdict{Figure: fmt.Sprintf("Forwarded / direct GetIncident throughput at concurrency %d (peak)", P),
		Measured: fwd.Format("%.2f"), Target: "≥ 0.80", Status: atLeast(fwd, 0.8), Scenario: scenarioRead})
	out = append(out,
		hopVerdict(res.C1, 1, 50, hopP50Target, "", scenarioRead),
		hopVerdict(res.C1, 1, 99, hopP99Target, "", scenarioRead),
		hopVerdict(res.AtHalf, H, 50, 0, " (half of peak)", ""),
		hopVerdict(res.AtHalf, H, 99, 0, " (half of peak)", ""))

	ing := paired(res.Ingest[tCreate], res.Ingest[tInsert], ratioRPS)
	out = append(out, verdict{Figure: "Ingest: CreateIncident through the gateway / bare mongo-driver InsertOne, throughput at concurrency " + fmt.Sprint(res.ingestConcurrency()),
		Measured: ing.Format("%.2f") + fmt.Sprintf(" (%s vs %s calls/s)", figure(res.Ingest[tCreate], rps).Format("%.0f"), figure(res.Ingest[tInsert], rps).Format("%.0f")),
		Target:   "≥ 0.70", Status: atLeast(ing, 0.7), Scenario: scenarioIngest})

	out = append(out, res.geoVerdicts()...)
	out = append(out, res.gapsVerdicts()...)
	out = append(out, res.tokenVerdict())
	out = append(out, res.scaleVerdicts()...)

	startAll := figure(startupSamples(res.Startups), func(s sample) float64 { return s.P50 })
	out = append(out, verdict{Figure: "Start of the built processes (store, incident, gateway) to all healthy",
		Measured: startAll.Format("%.0f") + " ms", Target: "reported", Status: statusNone})
	gen := figure(res.AtPeak[tGateway], func(s sample) float64 { return s.GenCores })
	out = append(out, verdict{Figure: fmt.Sprintf("Load generator's own CPU, driving the gateway at concurrency %d", P),
		Measured: gen.Format("%.2f") + " cores", Target: "reported", Status: statusNone})
	all := res.allSamples()
	others := figure(all, func(s sample) float64 { return s.Others })
	steal := figure(all, func(s sample) float64 { return s.Steal })
	out = append(out, verdict{Figure: "Machine noise: CPU used by processes other than the benchmark's, during the load runs",
		Measured: others.Format("%.2f") + fmt.Sprintf(" of %d cores (hypervisor steal %s)", res.Machine.CPUs, steal.Format("%.2f")),
		Target:   "reported", Status: statusNone})
	return out
}

// allSamples are the samples of every load run.
func (res *Results) allSamples() []sample {
	var out []sample
	add := func(s series) {
		for _, t := range sortedKeys(s) {
			out = append(out, s[t]...)
		}
	}
	for _, level := range sortedInts(res.Sweep) {
		add(res.Sweep[level])
	}
	add(res.C1)
	if res.Half > 1 {
		add(res.AtHalf)
	}
	add(res.AtPeak)
	add(res.Ingest)
	return out
}

func sortedInts[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// startupSamples carries start-up times (ms) in samples' P50 field, to reuse figure.
func startupSamples(st []startup) []sample {
	out := make([]sample, len(st))
	for i, s := range st {
		out[i] = sample{P50: float64(s.All.Milliseconds())}
	}
	return out
}

func (res *Results) ingestConcurrency() int {
	if ss := res.Ingest[tCreate]; len(ss) > 0 {
		return ss[0].Concurrency
	}
	return 0
}

// Names of the zone benchmarks (gateway/internal/geo).
const (
	geoIndex = "BenchmarkContaining/index/n=%d"
	geoBrute = "BenchmarkContaining/brute/n=%d"
	geoBBox  = "BenchmarkContaining/bbox-scan/n=%d"
)

func (res *Results) geoVerdicts() []verdict {
	p50 := verdict{Figure: figGeoP50, Target: fmt.Sprintf("≤ %.0f µs", targetGeoP50us), Scenario: scenarioGeo}
	speed := verdict{Figure: figGeoSpeed, Target: fmt.Sprintf("≥ %.0f×", targetGeoSpeedup), Scenario: scenarioGeo}
	if res.Geo == nil {
		p50.Measured, p50.Status = "not measured: "+res.GeoErr, statusNA
		speed.Measured, speed.Status = p50.Measured, statusNA
		return []verdict{p50, speed}
	}
	if s, ok := res.Geo[fmt.Sprintf(geoIndex, 10000)]["p50-ns"]; ok {
		us := scaled(s, 1e-3)
		p50.Measured, p50.Status = us.Format("%.2f")+" µs", atMost(us, targetGeoP50us)
	} else {
		p50.Measured, p50.Status = "no p50-ns reported", statusNA
	}
	if ratio, brute, idx, ok := res.geoSpeedup(); ok {
		speed.Measured = fmt.Sprintf("%.0f× (brute %s ns/op, index %s ns/op)", ratio, brute.Format("%.0f"), idx.Format("%.0f"))
		speed.Status = atLeast(stats.Summary{N: 1, Median: ratio}, targetGeoSpeedup)
	} else {
		speed.Measured, speed.Status = "benchmarks missing", statusNA
	}
	return []verdict{p50, speed}
}

// Zone placement targets.
const (
	targetGeoP50us   = 2.0
	targetGeoSpeedup = 20.0
)

// geoSpeedup is brute force's ns/op over the index's at 1,000 zones: medians of separate
// benchmark runs, with no pairing, so the spread is of the parts.
func (res *Results) geoSpeedup() (ratio float64, brute, idx stats.Summary, ok bool) {
	idx, okI := res.Geo[fmt.Sprintf(geoIndex, 1000)]["ns/op"]
	brute, okB := res.Geo[fmt.Sprintf(geoBrute, 1000)]["ns/op"]
	if !okI || !okB || idx.Median <= 0 {
		return 0, brute, idx, false
	}
	return brute.Median / idx.Median, brute, idx, true
}

func (res *Results) gapsVerdicts() []verdict {
	gaps := verdict{Figure: "Coverage gaps over 1,000 zones, 100,000 incidents, 1,000 deployments", Target: "reported", Status: statusNone}
	if s, ok := res.Gaps["BenchmarkGaps"]["ns/op"]; ok {
		gaps.Measured = scaled(s, 1e-6).Format("%.1f") + " ms"
	} else {
		gaps.Measured, gaps.Status = "not measured: "+orText(res.GapsErr, "no BenchmarkGaps"), statusNA
	}
	picture := verdict{Figure: "Operational picture for one zone (GetOperationalPicture handler; 1,000 zones, 100,000 incidents in memory, 1,000 deployments in the embedded store)",
		Target: "reported", Status: statusNA, Measured: "not measured: " + orText(res.PictureErr, "no BenchmarkPicture")}
	for _, name := range sortedKeys(res.Picture) {
		if s, ok := res.Picture[name]["ns/op"]; ok {
			picture.Measured, picture.Status = scaled(s, 1e-6).Format("%.1f")+" ms ("+name+")", statusNone
		}
	}
	return []verdict{gaps, picture}
}

// tokenVerdict reports what the token cache saves per call.
func (res *Results) tokenVerdict() verdict {
	v := verdict{Figure: "Bearer-token check per call: full Ed25519 verification / from the cache of verified tokens (platform/auth BenchmarkVerify)", Target: "reported", Status: statusNone}
	full, okF := res.Token["BenchmarkVerify/uncached"]["ns/op"]
	cached, okC := res.Token["BenchmarkVerify/cached"]["ns/op"]
	if !okF || !okC {
		v.Measured, v.Status = "not measured: "+orText(res.TokenErr, "no BenchmarkVerify"), statusNA
		return v
	}
	v.Measured = fmt.Sprintf("%s µs / %s µs", scaled(full, 1e-3).Format("%.1f"), scaled(cached, 1e-3).Format("%.2f"))
	return v
}

func scaled(s stats.Summary, f float64) stats.Summary {
	s.Median, s.Min, s.Max, s.Q1, s.Q3 = s.Median*f, s.Min*f, s.Max*f, s.Q1*f, s.Q3*f
	return s
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// hopVerdict is the latency the gateway adds at percentile p: the pooled percentile of
// every run's calls through the gateway minus that of the direct calls, judged against
// bound (none when 0); the per-run differences are shown beside it for their spread.
func hopVerdict(s series, conc int, p float64, bound float64, note, scenario string) verdict {
	g, d := s[tGateway], s[tDirect]
	perRun := paired(g, d, func(a, b sample) float64 {
		return us(stats.Percentile(a.lat, p)) - us(stats.Percentile(b.lat, p))
	})
	v := verdict{Figure: fmt.Sprintf("Latency the gateway hop adds, p%.0f, concurrency %d%s", p, conc, note), Scenario: scenario,
		Target: "reported", Status: statusNone}
	if len(g) == 0 || len(d) == 0 {
		v.Measured, v.Status = "no data", statusNA
		return v
	}
	added := pooled(g, p) - pooled(d, p)
	v.Measured = fmt.Sprintf("%.0f µs over %d+%d pooled calls (per run: %s)", added, pooledCalls(g), pooledCalls(d), perRun.Format("%.0f"))
	if bound > 0 {
		v.Target = fmt.Sprintf("≤ %.0f µs", bound)
		v.Status = atMost(stats.Summary{N: 1, Median: added}, bound)
	}
	if added < 0 {
		v.Status = statusNoise
	}
	return v
}
