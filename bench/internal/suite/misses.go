package suite

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tansiq/tansiq/bench/internal/report"
)

// writeMisses explains each missed target from what the run measured, and shows the
// profiles of the scenarios that missed.
func (r *runner) writeMisses(w writer, verdicts []verdict) {
	res := r.res
	missed := map[string][]string{}
	var order []string
	for _, v := range verdicts {
		if v.Status == statusMiss {
			if _, ok := missed[v.Scenario]; !ok {
				order = append(order, v.Scenario)
			}
			missed[v.Scenario] = append(missed[v.Scenario], v.Figure)
		}
	}
	w("## Missed targets: why, and the profiles\n\n")
	if len(missed) == 0 {
		w("None missed.\n\n")
		return
	}
	explained := map[string]bool{scenarioZone: true, scenarioRead: true, scenarioIngest: true, scenarioGeo: true}
	if figs := missed[scenarioZone]; len(figs) > 0 {
		w("### The gateway's own reads (GetZone)\n\nMissed: %s.\n\n", strings.Join(figs, "; "))
		r.explainZone(w)
	}
	if figs := missed[scenarioRead]; len(figs) > 0 {
		w("### Reads through the gateway\n\nMissed: %s.\n\n", strings.Join(figs, "; "))
		r.explainRead(w)
	}
	if figs := missed[scenarioIngest]; len(figs) > 0 {
		w("### Ingest\n\nMissed: %s.\n\n", strings.Join(figs, "; "))
		r.explainIngest(w)
	}
	if figs := missed[scenarioGeo]; len(figs) > 0 {
		w("### Zone placement\n\nMissed: %s. The numbers come from `gateway/internal/geo`'s own benchmarks; `go test -run '^$' -bench Containing -cpuprofile cpu.out ./gateway/internal/geo` profiles them. ", strings.Join(figs, "; "))
		r.explainGeo(w, figs)
	}
	if len(res.Scale) > 0 {
		for _, sc := range scaleScenarios {
			explained[sc] = true
		}
		r.explainScale(w, missed)
	}
	// A missed figure that no section above explains is still listed, under its own heading.
	var other []string
	for _, sc := range order {
		if !explained[sc] {
			other = append(other, missed[sc]...)
		}
	}
	if len(other) > 0 {
		w("### Other missed targets\n\nMissed: %s. This report does not explain them yet.\n\n", strings.Join(other, "; "))
	}
	for _, p := range res.Profiles {
		w("#### Profile: %s at concurrency %d (%s scenario)\n\n", p.Target, p.Concurrency, p.Scenario)
		w("One extra run of %v while `perf record -F %s -g -p <pid>` sampled each server process (they serve no pprof endpoint) and runtime/pprof sampled the load generator (`%s`; open it with `go tool pprof`). Profiles and raw perf data stay in `bench/out/` and are not committed. ", r.o.Duration, perfHz, relToRepo(r.o.Repo, p.PprofPath))
		w("That run: %.0f calls/s, p50 %.0f µs.\n\n", p.Sample.RPS, p.Sample.P50)
		if p.PerfErr != "" {
			w("perf: %s\n\n", p.PerfErr)
		}
		for _, name := range []string{nameGateway, nameIncident, nameStore} {
			ps, ok := p.Perf[name]
			if !ok {
				continue
			}
			writePerf(w, name, ps)
		}
		if p.Pprof != "" {
			w("<details><summary>Load generator (go tool pprof -top)</summary>\n\n```\n%s\n```\n\n</details>\n\n", p.Pprof)
		}
	}
}

// explainRead states, from the per-call CPU of every process, why forwarding costs what it does.
func (r *runner) explainRead(w writer) {
	res := r.res
	cost := func(s series, t, proc string) float64 {
		return figure(s[t], func(x sample) float64 { return x.cpuPerCall(proc) }).Median
	}
	total := func(s series, t string) float64 {
		sum := 0.0
		for _, c := range cpuColumns {
			sum += cost(s, t, c)
		}
		return sum
	}
	dTot, gTot := total(res.AtPeak, tDirect), total(res.AtPeak, tGateway)
	gw := cost(res.AtPeak, tGateway, nameGateway)
	w("At concurrency %d the %d cores are the limit: every process, the load generator included, competes for them, so throughput falls as the CPU a call costs rises. ", res.Peak, res.Machine.CPUs)
	w("A direct GetIncident costs %.0f µs of CPU in all (incident service %.0f, store %.0f, load generator %.0f). Through the gateway it costs %.0f µs: the gateway's own %.0f µs, and the incident service's %.0f µs. ",
		dTot, cost(res.AtPeak, tDirect, nameIncident), cost(res.AtPeak, tDirect, nameStore), cost(res.AtPeak, tDirect, "load generator"),
		gTot, gw, cost(res.AtPeak, tGateway, nameIncident))
	if gTot > 0 && dTot > 0 {
		w("CPU alone predicts a forwarded/direct ratio of about %.2f; the run measured %s.", dTot/gTot, paired(res.AtPeak[tGateway], res.AtPeak[tDirect], ratioRPS).Format("%.2f"))
	}
	w("\n\n")
	c1 := figure(res.C1[tGateway], func(x sample) float64 { return x.cpuPerCall(nameGateway) }).Median
	added := pooled(res.C1[tGateway], 50) - pooled(res.C1[tDirect], 50)
	w("**Latency the hop adds at concurrency 1.** It adds %.0f µs at p50 (pooled), %s the target of %.0f µs. ", added, overOrWithin(added, hopP50Target), hopP50Target)
	w(notComputed+"With one call in flight the call waits for everything the gateway does, in order: it reads the call from the load generator's socket; runs its server interceptors (recovery, the access log, the audit recorder, which writes only for mutating calls, so nothing for GetIncident, the rate limiter, authentication); checks the caller's Ed25519-signed JWT (a full signature check the first time a token is seen, a cache look-up until its expiry after that; the incident service does the same on the direct path too); runs otelgrpc's stats handler on its server side and again on its client side for the call it makes to the service (no exporter is configured, so they only record); opens a stream on a second connection to the service and carries the reply back the same way; and writes one access-log line (measured: %s bytes per call). ",
		logPerCall(res.C1[tGateway], nameGateway))
	peakCPU := cost(res.AtPeak, tGateway, nameGateway)
	w("The gateway spends %.0f µs of CPU per forwarded call at concurrency 1 and %.0f µs at concurrency %d", c1, peakCPU, res.Peak)
	if c1 > peakCPU {
		w(" (more at concurrency 1: at a few hundred calls a second its background work, timers, the follower polling the incident feed, the garbage collector, is spread over few calls)")
	}
	w(". ")
	if lower := min(c1, peakCPU); lower > hopP50Target {
		w("Even the lower figure is %.1f times the %.0f µs budget, so the target is out of reach on this machine before any waiting is counted. ", lower/hopP50Target, hopP50Target)
	} else {
		w("The lower figure is %.0f%% of the %.0f µs budget: the gateway's CPU per call alone does not put the target out of reach. ", 100*lower/hopP50Target, hopP50Target)
	}
	w(notComputed+"On top of the CPU, two more socket hand-offs (load generator to gateway, gateway to service) each wake a reader goroutine, which waits for a core whenever every core is busy: with the load generator, the gateway, the incident service and the store all working on each call, and other processes taking %s of the %d cores during the load runs. ",
		figure(res.allSamples(), func(s sample) float64 { return s.Others }).Format("%.2f"), res.Machine.CPUs)
	w("The p99 adds %.0f µs (pooled), %s the target of %.0f µs: the same steps, plus the tail of those waits for a core and of the garbage collection pauses; the per-run spread of the p99 difference is wide because a run at concurrency 1 holds only a few hundred calls.\n\n",
		pooled(res.C1[tGateway], 99)-pooled(res.C1[tDirect], 99), overOrWithin(pooled(res.C1[tGateway], 99)-pooled(res.C1[tDirect], 99), hopP99Target), hopP99Target)
	if ps, ok := r.profileOf(scenarioRead, nameGateway); ok {
		w("Where the gateway's CPU goes, from its profile below: %s. Inclusive: %s. ", areaList(ps.Areas, 5), throughList(ps.Through, map[string]string{
			"github.com/tansiq/tansiq/platform/auth.(*Verifier).Verify":                                              "token verification",
			"github.com/tansiq/tansiq/platform/server.logCall":                                                       "the access-log line",
			"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc.(*serverHandler).HandleRPC": "telemetry (server side)",
			"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc.(*clientHandler).HandleRPC": "telemetry (client side)",
			"log/slog.(*Logger).log": "logging",
			"github.com/tansiq/tansiq/gateway/internal/edge.(*proxy).handle": "the proxy itself",
		}))
		sys := 0.0
		for _, a := range ps.Areas {
			if strings.HasPrefix(a.Name, "kernel") || strings.HasPrefix(a.Name, "Go runtime") {
				sys += a.Percent
			}
		}
		if sys >= 50 {
			w("The kernel and the Go runtime take %.0f%% together: most of the hop is moving each call through two more sockets and waking the goroutines that carry it, not the gateway's own logic. That is where a fix starts: fewer system calls and wake-ups per forwarded call.\n\n", sys)
		} else {
			w("The largest areas above are where a fix starts.\n\n")
		}
	}
}

// explainZone states, from the per-call CPU of the gateway and the baseline, why GetZone
// keeps the share of the baseline's throughput it does.
func (r *runner) explainZone(w writer) {
	res := r.res
	cost := func(t, proc string) float64 {
		return figure(res.AtPeak[t], func(x sample) float64 { return x.cpuPerCall(proc) }).Median
	}
	const gen = "load generator"
	baseTot := cost(tBaseline, gen) + cost(tBaseline, nameBaseline)
	zoneTot := cost(tZone, gen) + cost(tZone, nameGateway)
	w("At concurrency %d both targets are bound by CPU: the %d cores are shared by the server, the load generator and the machine's other processes. ", res.Peak, res.Machine.CPUs)
	w("A baseline call costs %.0f µs of CPU in all (baseline server %.0f, load generator %.0f); a GetZone costs %.0f µs (gateway %.0f, load generator %.0f). ",
		baseTot, cost(tBaseline, nameBaseline), cost(tBaseline, gen), zoneTot, cost(tZone, nameGateway), cost(tZone, gen))
	if zoneTot > 0 {
		w("CPU alone predicts a ratio of about %.2f; the run measured %s. ", baseTot/zoneTot, paired(res.AtPeak[tZone], res.AtPeak[tBaseline], ratioRPS).Format("%.2f"))
	}
	w(notComputed + "The gateway's extra CPU per call, over the bare server's, is what it does that the baseline does not: it checks the caller's bearer token (from its cache of verified tokens after the first call), authorizes the read, runs its interceptor chain (recovery, access log, audit recorder, which records nothing for a read, rate limiter), runs otelgrpc's server stats handler (no exporter configured, so it only records), writes one access-log line, and answers from its zone catalog with a reply that carries the zone's GeoJSON. There is no second hop and no store access. ")
	w("A ratio of 0.5 needs the gateway's whole call to cost at most about twice the baseline's: %.0f µs of gateway CPU per call, against %.0f µs measured.\n\n", 2*baseTot-cost(tZone, gen), cost(tZone, nameGateway))
	if ps, ok := r.profileOf(scenarioZone, nameGateway); ok {
		w("Where the gateway's CPU goes during GetZone, from its profile below: %s. Inclusive: %s.\n\n", areaList(ps.Areas, 5), throughList(ps.Through, map[string]string{
			"github.com/tansiq/tansiq/platform/auth.(*Verifier).Verify": "token verification",
			"crypto/ed25519.VerifyWithOptions":                          "of which the Ed25519 signature",
			"log/slog.(*Logger).log":                                    "logging",
			"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc.(*serverHandler).HandleRPC": "telemetry",
			"github.com/tansiq/tansiq/gateway/internal/zones.(*Handler).GetZone":                                     "the GetZone handler",
		}))
	}
}

// explainGeo says, for each missed zone placement figure, how far it missed.
func (r *runner) explainGeo(w writer, figs []string) {
	const how = "A lookup is a walk of the R-tree to the candidate zones' boxes, then an exact point-in-polygon test of each candidate; a CPU profile of the benchmark says which of the two dominates."
	if slices.Contains(figs, figGeoP50) {
		us := scaled(r.res.Geo[fmt.Sprintf(geoIndex, 10000)]["p50-ns"], 1e-3)
		if us.Min <= targetGeoP50us {
			w("The median of the runs' p50, %.2f µs, is over the %.0f µs target, but the fastest run's, %.2f µs, met it: the miss is within the run-to-run spread. ", us.Median, targetGeoP50us, us.Min)
		} else {
			w("Every run's p50 was over the %.0f µs target, the fastest at %.2f µs. ", targetGeoP50us, us.Min)
		}
	}
	if slices.Contains(figs, figGeoSpeed) {
		ratio, brute, idx, _ := r.res.geoSpeedup()
		w("At 1,000 zones the index took %s ns per lookup against brute force's %s: %.0f× faster, under the %.0f× target. ", idx.Format("%.0f"), brute.Format("%.0f"), ratio, targetGeoSpeedup)
	}
	w(notComputed + how + "\n\n")
}

// logPerCall is the bytes a process logged per successful call, median over runs.
func logPerCall(ss []sample, proc string) string {
	return figure(ss, func(s sample) float64 {
		if ok := s.Calls - s.Errors; ok > 0 {
			return float64(s.LogBytes[proc]) / float64(ok)
		}
		return 0
	}).Format("%.0f")
}

// profileOf returns the perf summary of one process in one profiled scenario.
func (r *runner) profileOf(scenario, process string) (perfSummary, bool) {
	for _, p := range r.res.Profiles {
		if p.Scenario == scenario {
			ps, ok := p.Perf[process]
			return ps, ok && ps.Err == ""
		}
	}
	return perfSummary{}, false
}

// areaList writes the n largest areas as "kernel 43%, Go runtime 32%, ...".
func areaList(areas []share, n int) string {
	var parts []string
	for _, a := range areas[:min(n, len(areas))] {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", a.Name, a.Percent))
	}
	return strings.Join(parts, ", ")
}

// throughList writes the inclusive shares of the named functions, by their labels.
func throughList(through []share, labels map[string]string) string {
	var parts []string
	for _, t := range through {
		if l, ok := labels[t.Name]; ok {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", l, t.Percent))
		}
	}
	if len(parts) == 0 {
		return "no named function above the report's threshold"
	}
	return strings.Join(parts, ", ")
}

// explainIngest states why creates cost more than bare inserts, from what the store gained.
func (r *runner) explainIngest(w writer) {
	res := r.res
	docs := 0.0
	for _, v := range res.WritesPerCreate {
		docs += v
	}
	w("A bare InsertOne is one store round trip that writes one document. A create through the gateway added %.1f documents to the services' collections per call (see [Ingest](#ingest), counted from the collections' sizes). ", docs)
	direct := paired(res.Ingest[tCreateDirect], res.Ingest[tInsert], ratioRPS)
	through := paired(res.Ingest[tCreate], res.Ingest[tInsert], ratioRPS)
	if direct.N > 0 && through.N > 0 {
		w("Direct to the service the ratio to the bare loop is %s, through the gateway %s: %s.\n\n", direct.Format("%.2f"), through.Format("%.2f"), gapShare(direct.Median, through.Median))
	}
	w("The store spent %.0f µs of CPU per create against %.0f µs per bare insert (see [the CPU table](#where-the-cpu-goes-per-call)). ",
		figure(res.Ingest[tCreate], func(s sample) float64 { return s.cpuPerCall(nameStore) }).Median,
		figure(res.Ingest[tInsert], func(s sample) float64 { return s.cpuPerCall(nameStore) }).Median)
	if ps, ok := r.profileOf(scenarioIngest, nameStore); ok {
		w("Its profile during creates: %s; inclusive: %s. ", areaList(ps.Areas, 4), throughList(ps.Through, map[string]string{
			"github.com/FerretDB/FerretDB/internal/handler.(*Handler).MsgFind":          "find",
			"github.com/FerretDB/FerretDB/internal/handler.(*Handler).MsgInsert":        "insert",
			"github.com/FerretDB/FerretDB/internal/handler.(*Handler).MsgFindAndModify": "findAndModify",
		}))
	}
	w("\n\n")
}

// Targets of the hop's added latency at concurrency 1, in µs.
const (
	hopP50Target = 150.0
	hopP99Target = 300.0
)

// overOrWithin says how a measured figure stands against an upper bound.
func overOrWithin(v, bound float64) string {
	if v > bound {
		return "over"
	}
	return "within"
}

// gapShare says which part of the shortfall of a through-the-gateway ratio (through)
// below 1 the service alone (direct) already has.
func gapShare(direct, through float64) string {
	gap := 1 - through
	switch {
	case gap <= 0:
		return "creates through the gateway kept up with the bare loop"
	case direct <= through:
		return "the service alone is no faster than through the gateway, so the whole gap is the service's storage path, not the hop"
	case 1-direct >= gap/2:
		return fmt.Sprintf("of the %.2f by which the ratio through the gateway falls short of 1, the service alone already loses %.2f, so most of the gap is the service's storage path, not the hop", gap, 1-direct)
	default:
		return fmt.Sprintf("of the %.2f by which the ratio through the gateway falls short of 1, the service alone loses only %.2f, so most of the gap is the gateway's hop", gap, 1-direct)
	}
}

// notComputed opens a passage of the report that is analysis written by hand, not a
// figure or a deduction of this run: the reader must know which is which.
const notComputed = "*(Not computed: analysis written by hand on " + analysisDate + "; check it against the profile.)* "

// analysisDate is when the hand-written passages were last checked against the code.
const analysisDate = "2026-12-05"

func relToRepo(repo, p string) string {
	if s, ok := strings.CutPrefix(p, repo+"/"); ok {
		return s
	}
	return fmt.Sprint(p)
}

// writePerf shows one process's perf summary: CPU by area, then the inclusive time of the
// functions that say what the work was for, then the hottest functions.
func writePerf(w writer, name string, ps perfSummary) {
	if ps.Err != "" {
		w("**%s**: perf report failed (%s); too few samples, perhaps.\n\n", name, ps.Err)
		return
	}
	w("**%s** process (%s samples). CPU by area (self time):\n\n", name, orText(ps.Samples, "?"))
	var rows [][]string
	for _, a := range ps.Areas {
		if a.Percent >= 1 {
			rows = append(rows, []string{a.Name, fmt.Sprintf("%.1f%%", a.Percent)})
		}
	}
	w("%s\n", report.Table([]string{"Area", "Share"}, rows))
	if len(ps.Through) > 0 {
		w("Time in and under (inclusive):\n\n```\n")
		for _, t := range ps.Through {
			w("%6.2f%%  %s\n", t.Percent, t.Name)
		}
		w("```\n\n")
	}
	w("Hottest functions (self):\n\n```\n")
	for _, t := range ps.Self {
		w("%6.2f%%  %s\n", t.Percent, t.Name)
	}
	w("```\n\n")
}
