package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tansiq/tansiq/bench/internal/report"
)

// write renders the report and its plots.
func (r *runner) write() error {
	if err := os.MkdirAll(r.o.Assets, 0o755); err != nil {
		return err
	}
	rel := func(p string) string {
		if x, err := filepath.Rel(filepath.Dir(r.o.Out), p); err == nil {
			return filepath.ToSlash(x)
		}
		return p
	}
	latency, throughput := filepath.Join(r.o.Assets, "latency-vs-concurrency.svg"), filepath.Join(r.o.Assets, "throughput-vs-concurrency.svg")
	if err := os.WriteFile(latency, r.latencyPlot().SVG(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(throughput, r.throughputPlot().SVG(), 0o644); err != nil {
		return err
	}
	md := r.markdown(rel(latency), rel(throughput))
	return os.WriteFile(r.o.Out, []byte(md), 0o644)
}

var colors = map[string]string{tBaseline: "#2ca02c", tDirect: "#1f77b4", tGateway: "#d62728", tZone: "#9467bd"}

// readTargets are the read targets measured in the sweep, in report order.
func (r *runner) readTargets() []string {
	var out []string
	for _, t := range []string{tBaseline, tDirect, tGateway, tZone} {
		if _, ok := r.res.Sweep[r.o.Levels[0]][t]; ok {
			out = append(out, t)
		}
	}
	return out
}

func (r *runner) latencyPlot() report.Plot {
	p := report.Plot{Title: "Read latency against concurrency (median of runs)", XLabel: "concurrency (calls in flight)",
		YLabel: "latency, µs (log scale)", LogX: true, LogY: true}
	for _, t := range r.readTargets() {
		for _, q := range []struct {
			label  string
			f      func(sample) float64
			dashed bool
		}{{"p50", p50, false}, {"p99", p99, true}} {
			s := report.Series{Name: t + " " + q.label, Color: colors[t], Dashed: q.dashed}
			for _, level := range r.o.Levels {
				s.Points = append(s.Points, report.Point{X: float64(level), Y: figure(r.res.Sweep[level][t], q.f).Median})
			}
			p.Series = append(p.Series, s)
		}
	}
	return p
}

func (r *runner) throughputPlot() report.Plot {
	p := report.Plot{Title: "Read throughput against concurrency (median of runs)", XLabel: "concurrency (calls in flight)",
		YLabel: "calls per second (log scale)", LogX: true, LogY: true}
	for _, t := range r.readTargets() {
		s := report.Series{Name: t, Color: colors[t]}
		for _, level := range r.o.Levels {
			s.Points = append(s.Points, report.Point{X: float64(level), Y: figure(r.res.Sweep[level][t], rps).Median})
		}
		p.Series = append(p.Series, s)
	}
	return p
}

func (r *runner) markdown(latencySVG, throughputSVG string) string {
	res, o := r.res, r.o
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Benchmarks\n\n")
	if len(res.Dirty) > 0 {
		w("> **Not a measurement of a commit.** This run started from a working tree with uncommitted changes to %d path(s) (%s) on top of %s: its figures belong to no commit. Commit, then run `make bench` again.\n\n",
			len(res.Dirty), strings.Join(res.Dirty[:min(len(res.Dirty), 8)], ", "), strings.TrimSuffix(res.Commit, " +changes"))
	}
	if res.Behind != "" && res.Behind != "0" {
		w("> The commit measured lacked %s commit(s) of `main`.\n\n", res.Behind)
	}
	w("Written by `make bench` (`bench/cmd/tansiq-bench`) from commit %s on %s, in %s. Do not edit by hand: run `make bench` again. Every figure and every sentence about this run is computed from it (its timers, the processes' `/proc` counters, its profiles); a passage that is not is marked *(not computed)* with the date it was written.\n\n",
		orText(res.Commit, "unknown"), res.Started.UTC().Format("2006-01-02 15:04 MST"), res.Finished.Sub(res.Started).Round(time.Second))
	w("Every figure is the median of several runs with the spread as [min–max], except the hop's added latencies, judged on the percentiles of all runs' calls pooled (a run at concurrency 1 has a few hundred calls, so one run's p99 is a handful of them) with the per-run spread beside them. Targets run interleaved (each repetition runs every target once, in rotating order), so ratios and added latencies are computed per repetition, between runs seconds apart, and then summarised: on a shared, noisy machine a ratio measured side by side is the honest figure. ")
	w("Headline runs: %d × %v each (after a %v warm-up); sweep: %d × %v per point.\n\n", o.Runs, o.Duration, o.Warmup, o.SweepRuns, o.SweepDuration)

	w("## Summary\n\n")
	var rows [][]string
	verdicts := res.verdicts()
	for _, v := range verdicts {
		rows = append(rows, []string{v.Figure, v.Measured, v.Target, bold(v.Status)})
	}
	w("%s\n", report.Table([]string{"Figure", "Measured", "Target", "Result"}, rows))
	var missed []string
	for _, v := range verdicts {
		if v.Status == statusMiss {
			missed = append(missed, v.Figure)
		}
	}
	others := figure(res.allSamples(), func(s sample) float64 { return s.Others })
	w("Other processes on this machine took %s of its %d cores during the load runs (last row of the headline figures)", others.Format("%.2f"), res.Machine.CPUs)
	if others.Median >= 0.2 {
		w("; with that much noise, tail latencies and single runs swing widely and ratios of interleaved runs are the steadier figures")
	}
	w(". ")
	w("A negative added latency is marked inconclusive: it is noise, not a gateway that makes calls faster.\n\n")
	if len(missed) > 0 {
		w("Targets missed: %d. Why, and where the time goes, is under [Missed targets](#missed-targets-why-and-the-profiles).\n\n", len(missed))
	} else {
		w("Every target that could be measured was met.\n\n")
	}

	r.writeMachine(w)
	r.writeMethod(w)
	r.writeSweep(w, latencySVG, throughputSVG)
	r.writeHop(w)
	r.writeCPU(w)
	r.writeIngest(w)
	r.writeGeo(w)
	r.writeGaps(w)
	r.writeCoT(w)
	r.writeFootprint(w)
	r.writeScale(w)
	r.writeMisses(w, verdicts)
	r.writeErrors(w)
	return b.String()
}

type writer func(format string, args ...any)

func bold(status string) string {
	if status == statusPass || status == statusMiss {
		return "**" + status + "**"
	}
	return status
}

func (r *runner) writeMachine(w writer) {
	res := r.res
	m := res.Machine
	w("## Machine and versions\n\n")
	w("- CPUs: %d × %s\n- Memory: %s\n- Kernel: %s (%s/%s)\n- Go: %s\n- Commit: %s\n",
		m.CPUs, orText(m.Model, "unknown model"), orText(m.MemTotal, "unknown"), orText(m.Kernel, "unknown"), m.GOOS, m.GOARCH,
		orText(res.GoVersion, m.GoVersion), orText(res.Commit, "unknown"))
	w("- Load average (1, 5, 15 min) at the start: %s; at the end: %s. The machine is shared: the CPU tables below give what other processes took during each run.\n\n",
		orText(res.LoadAvgStart, "unknown"), orText(res.LoadAvgEnd, "unknown"))
	var rows [][]string
	for _, mv := range res.Modules {
		rows = append(rows, []string{mv[0], mv[1]})
	}
	w("%s\n", report.Table([]string{"Module", "Version"}, rows))
}

func (r *runner) writeMethod(w writer) {
	res, o := r.res, r.o
	w("## How it was run\n\n")
	authText := "on: every call carries an Ed25519-signed bearer JWT (a Peshmerga operator), verified by the gateway and again by the incident service, to which the gateway forwards it"
	if !o.Auth {
		authText = "off (`--insecure-no-auth`)"
	}
	w("- **Processes**, built from this commit and started as a user would: one embedded FerretDB (SQLite) store process, `platform/store/embedded.Start` behind `tansiq-bench serve-store`; the incident service with `--seed`; the gateway forwarding the incident API to it (forces and meeting not routed). Each service has its own database in the store.\n")
	w("- **Authentication** %s. Telemetry as shipped (otelgrpc stats handlers; no exporter configured). Log level `%s`", authText, o.LogLevel)
	if o.LogLevel == "info" {
		w(" (one access-log line per call, as shipped; logs go to files)")
	}
	w(".\n")
	w("- **Baseline**: a bare grpc-go server in its own process (`tansiq-bench serve-baseline`), one unary method registered by hand with a `grpc.ServiceDesc`, no interceptors: request a `google.protobuf.StringValue` holding the same incident name (%d bytes for GetIncident's request), reply a `google.protobuf.BytesValue` of the size of GetIncident's reply (%d bytes).\n", res.RequestBytes, res.ReplyBytes)
	w("- **Load generator**: this program, closed loop: C workers each keep one call in flight on one HTTP/2 connection per target, every call with a 5 s deadline and timed alone; the same code drives every target. Its own CPU is read with getrusage; every other process's from `/proc/<pid>/stat`, before and after each run.\n")
	if _, ok := res.AtPeak[tZone]; ok {
		w("- **Zone read** (`zone`): GetZone, through the gateway with authentication on, of a zone this run created with CreateZone: a read the gateway answers from its own memory.\n")
	}
	w("- **Peak concurrency** is the sweep's concurrency with the highest median gateway throughput: %d; half of it: %d.\n", res.Peak, res.Half)
	w("- **Ingest**: CreateIncident through the gateway, each call with a new `request_id`, against a bare mongo-driver `InsertOne` loop of a document holding the same incident (its protobuf encoding, under a new `_id` and `request_id`, with a unique `request_id` index), database `bench_bare` of the same store process, at concurrency %d; the bench writes into no service's database and copies no service's stored format. CreateIncident straight to the service is measured too, to tell the gateway's share from the service's.\n", o.IngestConcurrency)
	if len(res.Scale) > 0 {
		w("- **Scale section**: after each start on loaded data it waits until the processes have settled (%s), then measures; the wait is reported beside start to healthy, with what was busy where it reached its cap.\n", quietRule(res.Settle))
	}
	w("- **Phases**: build %v, Go benchmarks %v, load runs %v.\n\n", res.BuildTime.Round(time.Second), res.GoBenchTime.Round(time.Second), res.LoadSeconds.Round(time.Second))
	w("Commands (`$WORK` is a temporary directory; ports are free ones picked at run time):\n\n```sh\n")
	w("%s\n", orText(o.Command, "make bench"))
	for _, c := range res.Commands {
		w("%s\n", c)
	}
	w("%s\n%s\n%s\n%s\n```\n\n", res.GeoCmd, res.GapsCmd, res.PictureCmd, res.TokenCmd)
}

func (r *runner) writeSweep(w writer, latencySVG, throughputSVG string) {
	res := r.res
	w("## Latency and throughput against concurrency\n\n")
	w("GetIncident of a seed incident, direct to the incident service (`direct`) and through the gateway (`gateway`), beside the baseline (and GetZone answered by the gateway, `zone`, when it serves zones). Medians of %d runs per point.\n\n", r.o.SweepRuns)
	w("![Latency against concurrency](%s)\n\n![Throughput against concurrency](%s)\n\n", latencySVG, throughputSVG)
	targets := r.readTargets()
	header := []string{"Concurrency"}
	for _, t := range targets {
		header = append(header, t+" calls/s", t+" p50 / p99 µs")
	}
	var rows [][]string
	for _, level := range r.o.Levels {
		row := []string{fmt.Sprint(level)}
		for _, t := range targets {
			ss := res.Sweep[level][t]
			row = append(row, figure(ss, rps).Format("%.0f"), fmt.Sprintf("%.0f / %.0f", figure(ss, p50).Median, figure(ss, p99).Median))
		}
		rows = append(rows, row)
	}
	w("%s\n", report.Table(header, rows))
}

func (r *runner) writeHop(w writer) {
	res := r.res
	w("## The gateway hop\n\n")
	w("GetIncident through the gateway against the same call direct to the incident service; the store's cost is on both sides. Added latency is gateway minus direct, per repetition.\n\n")
	var rows [][]string
	for _, at := range []struct {
		conc int
		s    series
	}{{1, res.C1}, {res.Half, res.AtHalf}, {res.Peak, res.AtPeak}} {
		if at.conc == 1 && len(rows) > 0 {
			continue
		}
		for _, t := range []string{tBaseline, tDirect, tGateway, tZone} {
			ss, ok := at.s[t]
			if !ok {
				continue
			}
			rows = append(rows, []string{fmt.Sprint(at.conc), t, figure(ss, rps).Format("%.0f"),
				figure(ss, p50).Format("%.0f"), figure(ss, func(s sample) float64 { return s.P90 }).Format("%.0f"), figure(ss, p99).Format("%.0f")})
		}
		g, d := at.s[tGateway], at.s[tDirect]
		rows = append(rows, []string{fmt.Sprint(at.conc), "**added by the hop**", "ratio " + paired(g, d, ratioRPS).Format("%.2f"),
			paired(g, d, addedP50).Format("%+.0f"), paired(g, d, func(a, b sample) float64 { return a.P90 - b.P90 }).Format("%+.0f"), paired(g, d, addedP99).Format("%+.0f")})
		if at.conc == res.Half && res.Half == res.Peak {
			break
		}
	}
	w("%s\n", report.Table([]string{"Concurrency", "Target", "Calls/s", "p50 µs", "p90 µs", "p99 µs"}, rows))
}

// cpuColumns are the processes of the CPU tables, in order.
var cpuColumns = []string{"load generator", nameBaseline, nameGateway, nameIncident, nameStore}

func (r *runner) writeCPU(w writer) {
	res := r.res
	w("## Where the CPU goes, per call\n\n")
	w("CPU microseconds each process spent per successful call (medians over runs), at concurrency %d for reads and %d for ingest, and the machine's cores kept busy in total. ", res.Peak, r.o.IngestConcurrency)
	w("With %d cores shared by every process and the load generator, throughput is bounded by the total CPU a call costs.\n\n", res.Machine.CPUs)
	var rows [][]string
	add := func(s series, t string) {
		ss, ok := s[t]
		if !ok {
			return
		}
		row := []string{t}
		total := 0.0
		for _, c := range cpuColumns {
			v := figure(ss, func(s sample) float64 { return s.cpuPerCall(c) }).Median
			total += v
			row = append(row, fmt.Sprintf("%.0f", v))
		}
		busy := figure(ss, func(s sample) float64 {
			sum := 0.0
			for _, v := range s.CPU {
				sum += v
			}
			return sum / r.runSeconds(s)
		}).Median
		others := figure(ss, func(s sample) float64 { return s.Others }).Median
		row = append(row, fmt.Sprintf("%.0f", total), fmt.Sprintf("%.2f", busy), fmt.Sprintf("%.2f", others))
		rows = append(rows, row)
	}
	for _, t := range []string{tBaseline, tDirect, tGateway, tZone} {
		add(res.AtPeak, t)
	}
	for _, t := range []string{tCreate, tCreateDirect, tInsert} {
		add(res.Ingest, t)
	}
	header := append([]string{"Target"}, cpuColumns...)
	header = append(header, "total µs/call", "cores busy (ours)", "cores busy (other processes)")
	w("%s\n", report.Table(header, rows))
	var logRows [][]string
	for _, t := range []string{tDirect, tGateway} {
		ss := res.AtPeak[t]
		row := []string{t}
		for _, c := range []string{nameGateway, nameIncident} {
			row = append(row, fmt.Sprintf("%.0f", figure(ss, func(s sample) float64 {
				if ok := s.Calls - s.Errors; ok > 0 {
					return float64(s.LogBytes[c]) / float64(ok)
				}
				return 0
			}).Median))
		}
		logRows = append(logRows, row)
	}
	w("Log bytes written per call:\n\n%s\n", report.Table([]string{"Target", "gateway", "incident"}, logRows))
}

// runSeconds is the length of a measured run, recovered from its calls and throughput.
func (r *runner) runSeconds(s sample) float64 {
	if s.RPS > 0 {
		return float64(s.Calls-s.Errors) / s.RPS
	}
	return r.o.Duration.Seconds()
}

func (r *runner) writeIngest(w writer) {
	res := r.res
	w("## Ingest\n\n")
	w("Concurrency %d. Each create through the gateway is authenticated and authorized twice (gateway, service), audited, checked for a retried `request_id`, given a change sequence number and stored; the bare loop only inserts.\n\n", r.o.IngestConcurrency)
	var rows [][]string
	for _, t := range []string{tCreate, tCreateDirect, tInsert} {
		ss := res.Ingest[t]
		rows = append(rows, []string{t, figure(ss, rps).Format("%.0f"), figure(ss, p50).Format("%.0f"), figure(ss, p99).Format("%.0f")})
	}
	w("%s\n", report.Table([]string{"Target", "Calls/s", "p50 µs", "p99 µs"}, rows))
	cr, cd := res.Ingest[tCreate], res.Ingest[tCreateDirect]
	w("Through the gateway / direct to the service: %s.\n\n", paired(cr, cd, ratioRPS).Format("%.2f"))
	if len(res.WritesPerCreate) > 0 {
		var wr [][]string
		for _, k := range sortedKeys(res.WritesPerCreate) {
			wr = append(wr, []string{"`" + k + "`", fmt.Sprintf("%.2f", res.WritesPerCreate[k])})
		}
		w("Documents the store gained per create, by collection (creates through the gateway only, for the gateway's database; updates such as the sequence counter's are not counted); the bare loop writes one:\n\n%s\n", report.Table([]string{"Collection", "Documents per create"}, wr))
	}
}

func (r *runner) writeGeo(w writer) {
	res := r.res
	w("## Zone placement (Go benchmarks)\n\n")
	if res.Geo == nil {
		w("Not measured: %s.\n\n", res.GeoErr)
		return
	}
	w("`gateway/internal/geo`'s BenchmarkContaining: point-in-zone lookup over random zones of the region, each sub-benchmark run %d times (`%s`); medians [min–max].\n\n", r.o.GoBenchCount, res.GeoCmd)
	var rows [][]string
	for _, n := range []int{100, 1000, 10000} {
		idx, brute, box := res.Geo[fmt.Sprintf(geoIndex, n)], res.Geo[fmt.Sprintf(geoBrute, n)], res.Geo[fmt.Sprintf(geoBBox, n)]
		speed := "n/a"
		if idx["ns/op"].Median > 0 && brute["ns/op"].N > 0 {
			speed = fmt.Sprintf("%.0f×", brute["ns/op"].Median/idx["ns/op"].Median)
		}
		rows = append(rows, []string{fmt.Sprint(n), idx["ns/op"].Format("%.0f"), idx["p50-ns"].Format("%.0f"), idx["p99-ns"].Format("%.0f"),
			box["ns/op"].Format("%.0f"), brute["ns/op"].Format("%.0f"), brute["p50-ns"].Format("%.0f"), speed})
	}
	w("%s\n", report.Table([]string{"Zones", "index ns/op", "index p50 ns", "index p99 ns", "bbox-scan ns/op", "brute ns/op", "brute p50 ns", "speed-up (ns/op)"}, rows))
	var others [][]string
	for _, name := range sortedKeys(res.Geo) {
		if strings.HasPrefix(name, "BenchmarkContaining/") {
			continue
		}
		m := res.Geo[name]
		others = append(others, []string{name, m["ns/op"].Format("%.0f"), m["p50-ns"].Format("%.0f"), m["p99-ns"].Format("%.0f")})
	}
	if len(others) > 0 {
		w("%s\n", report.Table([]string{"Other benchmark", "ns/op", "p50 ns", "p99 ns"}, others))
	}
}

func (r *runner) writeGaps(w writer) {
	res := r.res
	w("## Coverage (Go benchmarks)\n\n")
	if res.Gaps == nil {
		w("Not measured: %s.\n\n", res.GapsErr)
		return
	}
	w("`gateway/internal/assess`'s benchmarks (`%s`).\n\n", res.GapsCmd)
	var rows [][]string
	for _, name := range sortedKeys(res.Gaps) {
		m := res.Gaps[name]
		rows = append(rows, []string{name, scaled(m["ns/op"], 1e-6).Format("%.2f"), m["B/op"].Format("%.0f"), m["allocs/op"].Format("%.0f")})
	}
	w("%s\n", report.Table([]string{"Benchmark", "ms/op", "B/op", "allocs/op"}, rows))
	r.writePicture(w)
}

// writePicture reports the picture benchmark beside the coverage ones it builds on.
func (r *runner) writePicture(w writer) {
	res := r.res
	w("### Operational picture for one zone\n\n")
	if res.Picture == nil {
		w("Not measured: %s.\n\n", res.PictureErr)
		return
	}
	w("`gateway/internal/coverage`'s benchmark (`%s`): GetOperationalPicture's handler, called in process, for one zone, with 1,000 zones in the catalog, 100,000 placed incidents over 60 days in the placer's memory (where the gateway keeps them) and 1,000 deployments in the deployments collection of an embedded FerretDB store started inside the test binary. Each picture reads the picture feed's position and the zone's deployments from the store, so two store round trips are in every iteration; B/op and allocs/op include the embedded store's, since it runs in the same process. No meeting service is configured, so no action items are fetched.\n\n", res.PictureCmd)
	var rows [][]string
	for _, name := range sortedKeys(res.Picture) {
		m := res.Picture[name]
		rows = append(rows, []string{name, scaled(m["ns/op"], 1e-6).Format("%.2f"), m["B/op"].Format("%.0f"), m["allocs/op"].Format("%.0f")})
	}
	w("%s\n", report.Table([]string{"Benchmark", "ms/op", "B/op", "allocs/op"}, rows))
	w("Where its time goes (a CPU profile of the benchmark, taken while writing it): almost all of it is in the store, in FerretDB's `MsgFind` answering the deployments query (`body.zone` in the zone, `body.start_time` before the window's end). FerretDB 1.24's SQLite backend pushes only `_id` filters down to SQLite, so it reads and decodes every stored deployment for each picture; the in-memory part (incidents of the zone from the placer's memory, coverage, threat, protobuf assembly) is a small fraction. Keeping deployments in memory, as incidents are, or a real MongoDB with its `zone` index, removes that scan.\n\n")
}

func (r *runner) writeFootprint(w writer) {
	res := r.res
	w("## Footprint\n\n")
	w("Resident memory (VmRSS) idle, a second after start-up, and the most seen under load (sampled every 100 ms through the sweep, headline and ingest runs).\n\n")
	var rows [][]string
	for _, name := range []string{nameStore, nameIncident, nameGateway, nameBaseline} {
		rows = append(rows, []string{name, mib(res.IdleRSS[name]), mib(res.LoadRSS[name])})
	}
	w("%s\n", report.Table([]string{"Process", "RSS idle", "RSS under load (max)"}, rows))
	w("Start-up from launching the store to all three processes healthy (store answering ping, incident and gateway SERVING on gRPC health), each time on fresh data; the incident service loads its seed before serving:\n\n")
	var st [][]string
	for i, s := range res.Startups {
		st = append(st, []string{fmt.Sprint(i + 1), ms(s.Store), ms(s.Incident), ms(s.Gateway), ms(s.All)})
	}
	w("%s\n", report.Table([]string{"Start", "store ready", "incident healthy", "gateway healthy", "all healthy"}, st))
}

func mib(b int64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

func (r *runner) writeErrors(w writer) {
	var rows [][]string
	collect := func(label string, s series) {
		for _, t := range sortedKeys(s) {
			for _, x := range s[t] {
				if x.Errors > 0 {
					rows = append(rows, []string{label, t, fmt.Sprint(x.Concurrency), fmt.Sprintf("%d of %d", x.Errors, x.Calls), x.FirstError})
				}
			}
		}
	}
	for _, level := range r.o.Levels {
		collect("sweep", r.res.Sweep[level])
	}
	collect("headline c=1", r.res.C1)
	collect("headline half", r.res.AtHalf)
	collect("headline peak", r.res.AtPeak)
	collect("ingest", r.res.Ingest)
	w("## Failed calls\n\n")
	if len(rows) == 0 {
		w("None: every measured call succeeded.\n")
		return
	}
	slices.SortStableFunc(rows, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	w("%s\n", report.Table([]string{"Phase", "Target", "Concurrency", "Failed", "First error"}, rows))
}
