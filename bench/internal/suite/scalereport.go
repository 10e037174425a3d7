package suite

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tansiq/tansiq/bench/internal/proc"
	"github.com/tansiq/tansiq/bench/internal/report"
	"github.com/tansiq/tansiq/bench/internal/stats"
)

// Scale targets (issue 12), named once so the verdicts and the explanations agree.
const (
	targetListP50Ms      = 5.0  // ListIncidents p50 at fullSize, filtered or not
	targetListGrowth     = 2.0  // ... at most this many times its figure at the smallest size
	targetWatchCores     = 0.02 // store CPU with the idle watches open, at every size
	targetGetRatio       = 0.4  // GetIncident through the gateway / baseline at concurrency 64
	targetStartSeconds   = 10.0 // start to healthy at fullSize
	targetIncidentRSSMiB = 500.0
	targetCreateRatio    = 0.7   // CreateIncident through the gateway / bare InsertOne at concurrency 8
	targetImportRate     = 150.0 // rows/s of `tansiq import incidents`
	// fullSize is the size the absolute targets are judged at.
	fullSize = 100_000
)

// Scenarios of the scale section, for the profiles of missed targets.
const (
	scenarioScaleList     = "scale-list"
	scenarioScaleFiltered = "scale-filtered"
	scenarioScaleWatch    = "scale-watch"
	scenarioScaleGet      = "scale-get"
	scenarioScaleCreate   = "scale-create"
	scenarioScaleStart    = "scale-start"
	scenarioScaleRSS      = "scale-rss"
	scenarioImport        = "import"
)

// scaleScenarios are the scenarios explainScale explains.
var scaleScenarios = []string{scenarioScaleList, scenarioScaleFiltered, scenarioScaleGet, scenarioScaleCreate,
	scenarioScaleWatch, scenarioScaleStart, scenarioScaleRSS, scenarioImport}

// scaleVerdicts are the scale section's lines of the summary.
func (res *Results) scaleVerdicts() []verdict {
	if len(res.Scale) == 0 {
		return nil
	}
	var out []verdict
	first := res.Scale[0]
	for _, st := range res.Scale {
		full := st.Size >= fullSize
		for _, l := range []struct{ t, label, scenario string }{
			{tList, "ListIncidents, first page of 50", scenarioScaleList},
			{tFiltered, "ListIncidents, governorate + two-year window, page of 50", scenarioScaleFiltered},
		} {
			if why, failed := allFailed(st.Reads[l.t]); failed {
				v := verdict{Figure: fmt.Sprintf("%s, p50, at %s incidents", l.label, count(st.Size)), Measured: why, Target: "reported", Status: statusNA}
				if full {
					v.Target, v.Status, v.Scenario = fmt.Sprintf("≤ %.0f ms", targetListP50Ms), statusMiss, l.scenario
				}
				out = append(out, v)
				continue
			}
			p := figure(st.Reads[l.t], p50)
			growth := paired(st.Reads[l.t], first.Reads[l.t], func(a, b sample) float64 { return ratio(a.P50, b.P50) })
			v := verdict{Figure: fmt.Sprintf("%s, p50, at %s incidents", l.label, count(st.Size)),
				Measured: fmt.Sprintf("%s ms (%s× its figure at %s)", scaled(p, 1e-3).Format("%.2f"), growth.Format("%.2f"), count(first.Size)),
				Target:   "reported", Status: statusNone}
			if full {
				v.Target = fmt.Sprintf("≤ %.0f ms and ≤ %.0f× the %s figure", targetListP50Ms, targetListGrowth, count(first.Size))
				v.Status, v.Scenario = worst(atMost(scaled(p, 1e-3), targetListP50Ms), atMost(growth, targetListGrowth)), l.scenario
			}
			out = append(out, v)
		}
		gaps := verdict{Figure: fmt.Sprintf("ListCoverageGaps (one year), p50, at %s incidents", count(st.Size)),
			Measured: scaled(figure(st.Reads[tGaps], p50), 1e-3).Format("%.2f") + " ms", Target: "reported", Status: statusNone}
		if why, failed := allFailed(st.Reads[tGaps]); failed {
			gaps.Measured, gaps.Status = why, statusNA
		}
		out = append(out, gaps)
		if len(st.Get) > 0 {
			g := paired(st.Get[tGetLoaded], st.Get[tBaseline], ratioRPS)
			out = append(out, verdict{Figure: fmt.Sprintf("GetIncident through the gateway / baseline, throughput at concurrency 64, at %s incidents", count(st.Size)),
				Measured: g.Format("%.2f") + fmt.Sprintf(" (%s vs %s calls/s)", figure(st.Get[tGetLoaded], rps).Format("%.0f"), figure(st.Get[tBaseline], rps).Format("%.0f")),
				Target:   fmt.Sprintf("≥ %.1f", targetGetRatio), Status: atLeast(g, targetGetRatio), Scenario: scenarioScaleGet})
		}
		if len(st.Write) > 0 {
			c := paired(st.Write[tCreate], st.Write[tInsert], ratioRPS)
			v := verdict{Figure: fmt.Sprintf("CreateIncident through the gateway / bare InsertOne, throughput at concurrency %d, at %s incidents", st.WriteConcurrency, count(st.Size)),
				Measured: c.Format("%.2f") + fmt.Sprintf(" (%s vs %s calls/s; create p50 %s ms)", figure(st.Write[tCreate], rps).Format("%.0f"), figure(st.Write[tInsert], rps).Format("%.0f"), p50ms(st.Write[tCreate])),
				Target:   "reported", Status: statusNone, Scenario: scenarioScaleCreate}
			if full {
				v.Target, v.Status = fmt.Sprintf("≥ %.1f", targetCreateRatio), atLeast(c, targetCreateRatio)
			}
			out = append(out, v)
		}
		w := verdict{Figure: fmt.Sprintf("Store CPU with %d idle WatchIncidents open, at %s incidents", st.WatchesAsked, count(st.Size)),
			Measured: fmt.Sprintf("%.3f cores over %v (%.3f with none open)", st.Watched[nameStore], st.Window, st.Idle[nameStore]),
			Target:   fmt.Sprintf("≤ %.2f cores", targetWatchCores), Scenario: scenarioScaleWatch}
		switch {
		case st.Watches < st.WatchesAsked:
			w.Status = statusNA
			w.Measured += fmt.Sprintf("; only %d of %d streams stayed open: %s", st.Watches, st.WatchesAsked, oneLine(st.WatchErr, 200))
		case st.Watched[nameStore] <= targetWatchCores:
			w.Status = statusPass
		default:
			w.Status = statusMiss
		}
		out = append(out, w)
		start := verdict{Figure: fmt.Sprintf("Start on the loaded data to all healthy, at %s incidents", count(st.Size)),
			Measured: ms(st.Restart.All), Target: "reported", Status: statusNone}
		rss := verdict{Figure: fmt.Sprintf("Incident service RSS at %s incidents", count(st.Size)),
			Measured: mib(st.RSS[nameIncident]), Target: "reported", Status: statusNone}
		if full {
			start.Target, start.Status, start.Scenario = fmt.Sprintf("≤ %.0f s", targetStartSeconds), boolStatus(st.Restart.All.Seconds() <= targetStartSeconds), scenarioScaleStart
			rss.Target, rss.Status, rss.Scenario = fmt.Sprintf("≤ %.0f MiB", targetIncidentRSSMiB), boolStatus(float64(st.RSS[nameIncident])/(1<<20) <= targetIncidentRSSMiB), scenarioScaleRSS
		}
		if st.RestartErr != "" {
			start.Measured, start.Status = "failed: "+oneLine(st.RestartErr, 300), statusMiss
		}
		settled := verdict{Figure: fmt.Sprintf("All healthy to settled (%s), at %s incidents", quietRule(res.Settle), count(st.Size)),
			Measured: settleText(st.Settle, res.Settle), Target: "reported", Status: statusNone}
		out = append(out, start, settled, rss)
	}
	if last := res.Scale[len(res.Scale)-1]; last.Size < fullSize {
		out = append(out, verdict{Figure: fmt.Sprintf("Targets judged at %s incidents (list p50, start to healthy, RSS)", count(fullSize)),
			Measured: fmt.Sprintf("not judged: this run stopped at %s incidents", count(last.Size)), Target: "run at full size", Status: statusNA})
	}
	if im := res.Import; im.Rows > 0 {
		v := verdict{Figure: fmt.Sprintf("`tansiq import incidents` of a %s-row archive (--parallel %s), rows/s", count(im.Rows), im.Parallel),
			Measured: fmt.Sprintf("%.0f (%s in %v)", im.rate(), im.Summary, im.Elapsed.Round(100*time.Millisecond)),
			Target:   fmt.Sprintf("≥ %.0f", targetImportRate), Status: boolStatus(im.rate() >= targetImportRate), Scenario: scenarioImport}
		if im.Err != "" {
			v.Measured, v.Status = "failed: "+oneLine(im.Err, 300), statusMiss
		}
		out = append(out, v)
		last := res.Scale[len(res.Scale)-1]
		before := figure(last.Reads[tList], p50).Median
		during := verdict{Figure: "ListIncidents first page, p50, while the import runs / before it",
			Measured: fmt.Sprintf("%.2f (%.2f ms vs %.2f ms; p99 %.2f ms; %d calls, %d failed)", ratio(im.During.P50, before), im.During.P50/1e3, before/1e3, im.During.P99/1e3, im.During.Calls, im.During.Errors),
			Target:   "reported", Status: statusNone}
		if why, failed := allFailed([]sample{im.During}); failed {
			during.Measured, during.Status = "during the import: "+why, statusNA
		} else if _, failed := allFailed(last.Reads[tList]); failed {
			during.Measured = fmt.Sprintf("%.2f ms during (p99 %.2f ms; %d calls, %d failed); before it every call failed", im.During.P50/1e3, im.During.P99/1e3, im.During.Calls, im.During.Errors)
		}
		out = append(out, during)
	}
	return out
}

// allFailed reports whether no call of ss succeeded (so its latencies mean nothing), and
// says so with the calls made and the first error.
func allFailed(ss []sample) (string, bool) {
	var calls int64
	first := ""
	for _, s := range ss {
		if s.Calls > s.Errors {
			return "", false
		}
		calls += s.Calls
		if first == "" {
			first = s.FirstError
		}
	}
	return fmt.Sprintf("n/a: all %d calls failed (first: %s)", calls, oneLine(first, 160)), true
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func worst(statuses ...string) string {
	for _, want := range []string{statusMiss, statusNA} {
		if slices.Contains(statuses, want) {
			return want
		}
	}
	return statusPass
}

func boolStatus(ok bool) string {
	if ok {
		return statusPass
	}
	return statusMiss
}

// count formats 100000 as "100,000".
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// scaleProfiles profiles, at the largest size, each scale scenario whose target was missed.
func (r *runner) scaleProfiles(ctx context.Context, sr *scaleRun) {
	if !r.o.Profile || len(r.res.Scale) == 0 {
		return
	}
	missed := map[string]bool{}
	for _, v := range r.res.scaleVerdicts() {
		if v.Status == statusMiss {
			missed[v.Scenario] = true
		}
	}
	gw := sr.conns[0]
	for _, sc := range []struct {
		name string
		conc int
		t    target
	}{
		{scenarioScaleList, 1, listTarget(tList, gw, "")},
		{scenarioScaleFiltered, 1, listTarget(tFiltered, gw, scaleFilter)},
		{scenarioScaleGet, 64, getLoadedTarget(sr.conns, sr.names, tGetLoaded)},
		{scenarioScaleCreate, r.o.IngestConcurrency, r.createTarget(tCreate, gw)},
	} {
		if !missed[sc.name] || ctx.Err() != nil || len(sr.names) == 0 {
			continue
		}
		r.logf("profiling the %s scenario", sc.name)
		p, err := r.profileOne(ctx, sc.name, sc.conc, sc.t)
		if err != nil {
			r.logf("profile %s: %v", sc.name, err)
			continue
		}
		r.res.ScaleProfiles = append(r.res.ScaleProfiles, p)
	}
	if missed[scenarioScaleWatch] && ctx.Err() == nil {
		r.logf("profiling the store with %d idle watches open", r.o.Watches)
		r.res.ScaleProfiles = append(r.res.ScaleProfiles, r.profileWatches(ctx, sr))
	}
}

// profileWatches records the store with perf while the idle watches are open.
func (r *runner) profileWatches(ctx context.Context, sr *scaleRun) profile {
	p := profile{Scenario: scenarioScaleWatch, Target: fmt.Sprintf("%d idle WatchIncidents", r.o.Watches), Perf: map[string]perfSummary{}}
	perfBin, err := exec.LookPath("perf")
	if err != nil {
		p.PerfErr = "perf is not installed"
		return p
	}
	data := filepath.Join(r.o.Scratch, scenarioScaleWatch+"-store.perf.data")
	secs := fmt.Sprintf("%.1f", (r.o.IdleWindow + 2*time.Second).Seconds())
	cmd := exec.CommandContext(ctx, perfBin, "record", "-F", perfHz, "-g", "-p", fmt.Sprint(r.stack.store.Pid()), "-o", data, "--", "sleep", secs)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		p.PerfErr = err.Error()
		return p
	}
	cpu, _, _ := r.watchedCPU(ctx, sr, r.o.Watches, r.o.IdleWindow)
	if err := cmd.Wait(); err != nil {
		p.PerfErr = fmt.Sprintf("perf record: %v: %s", err, strings.TrimSpace(out.String()))
		return p
	}
	p.Sample = sample{CPU: map[string]float64{nameStore: cpu[nameStore]}}
	p.Perf[nameStore] = summarizePerf(ctx, perfBin, data)
	return p
}

// writeScale renders the scale section.
func (r *runner) writeScale(w writer) {
	res := r.res
	if len(res.Scale) == 0 {
		return
	}
	o := r.o
	w("## Scale: %s incidents\n\n", joinCounts(res.Scale))
	w("**How the incidents were loaded.** The first %s through the API: `CreateIncident` calls to the gateway, which forwards them to the incident service, whose own write path (validation, authorization, request-id record, change log) stores them; %d callers over %d connections, each create with its own `request_id` (a retry after UNAVAILABLE, ABORTED or a deadline is therefore safe and stores nothing twice), with a Peshmerga operator's token. The rest with the incident service's batch loader (`services/incident/cmd/incident-load`): each request checked by CreateIncident's own validation and authorization (as a Peshmerga operator), then stored by the service's store, 500 per commit of the change log (`platform/store` `CreateMany`), on the same store with the services stopped; a call each through the API would not fit a run. Each size adds to the previous one on the same store; then the stack is started on the loaded data, which is the start-to-healthy figure. Incidents vary in kind, place (6 districts of 4 governorates) and time (spread evenly over 2014–2023).\n\n",
		count(o.APILoad), o.LoadConcurrency, o.LoadConns)
	r.writeSettle(w)
	w("**What is measured at each size**, after that wait. ListIncidents (first page of 50; and `%s`), ListCoverageGaps (%s to %s) and GetIncident of loaded incidents, through the gateway at concurrency 1, %d × %v each; GetIncident against the bare baseline at concurrency 64, interleaved, %d × %v each; each process's CPU from `/proc/<pid>/stat` over %v with nobody calling, then over %v with %d `WatchIncidents` (start at now) open through the gateway; each process's RSS (VmRSS) after that; last, CreateIncident through the gateway against a bare `InsertOne` loop on the same store at concurrency %d, interleaved, %d × %v each.\n\n",
		scaleFilter, scaleGapsFrom[:10], scaleTo[:10], o.ScaleRuns, o.ScaleDuration, o.ScaleRuns, o.ScaleDuration, o.IdleWindow, o.IdleWindow, o.Watches, o.IngestConcurrency, o.ScaleRuns, o.ScaleDuration)
	header := []string{"Incidents", "Loaded: through the API (creates/s, failed) + batch loader (incidents/s)", "List p50 / p99 ms", "Filtered p50 / p99 ms", "Gaps p50 ms", "Get p50 ms", "Get / baseline at 64",
		"Create p50 ms; creates / bare inserts", "CPU idle: store / incident / gateway", fmt.Sprintf("CPU, %d watches: store / incident / gateway", o.Watches), "RSS store / incident / gateway", "Start to healthy", "Healthy to settled"}
	var rows [][]string
	for _, st := range res.Scale {
		get := "n/a"
		if len(st.Get) > 0 {
			get = paired(st.Get[tGetLoaded], st.Get[tBaseline], ratioRPS).Format("%.2f")
		}
		loaded := "none"
		if st.Load.Created+st.Load.Failed > 0 {
			loaded = fmt.Sprintf("%d (%.0f/s, %d failed)", st.Load.Created, st.Load.rate(), st.Load.Failed)
		}
		if st.Bulk.Created > 0 {
			loaded += fmt.Sprintf(" + %d (%.0f/s)", st.Bulk.Created, st.Bulk.rate())
		}
		write := "n/a"
		if len(st.Write) > 0 {
			write = fmt.Sprintf("%s; %s", p50ms(st.Write[tCreate]), paired(st.Write[tCreate], st.Write[tInsert], ratioRPS).Format("%.2f"))
		}
		rows = append(rows, []string{
			count(st.Size), loaded,
			p50p99ms(st.Reads[tList]), p50p99ms(st.Reads[tFiltered]), p50ms(st.Reads[tGaps]), p50ms(st.Reads[tGetOne]),
			get, write,
			fmt.Sprintf("%.3f / %.3f / %.3f", st.Idle[nameStore], st.Idle[nameIncident], st.Idle[nameGateway]),
			fmt.Sprintf("%.3f / %.3f / %.3f", st.Watched[nameStore], st.Watched[nameIncident], st.Watched[nameGateway]),
			fmt.Sprintf("%s / %s / %s", mib(st.RSS[nameStore]), mib(st.RSS[nameIncident]), mib(st.RSS[nameGateway])),
			fmt.Sprintf("%s (store %s, incident %s, gateway %s)", ms(st.Restart.All), ms(st.Restart.Store), ms(st.Restart.Incident), ms(st.Restart.Gateway)),
			settleCell(st.Settle, res.Settle),
		})
	}
	w("%s\n", report.Table(header, rows))
	for _, st := range res.Scale {
		if st.Load.FirstError != "" {
			w("At %s, the first failed create: `%s`.\n\n", count(st.Size), st.Load.FirstError)
		}
		if st.BulkOutput != "" {
			w("At %s, the batch loader said: `%s`.\n\n", count(st.Size), st.BulkOutput)
		}
	}
	if im := res.Import; im.Rows > 0 {
		w("**Import.** `tansiq import incidents` (the CLI built from this commit, as an operator runs it) of a generated %s-row CSV archive into the stack loaded to %s, `--parallel` %s; each row carries a request id made from the batch and its line. ", count(im.Rows), count(res.Scale[len(res.Scale)-1].Size), im.Parallel)
		if im.Err != "" {
			w("It failed: `%s`.\n\n", im.Err)
		} else {
			w("It took %v: %.0f rows/s; the CLI's last line: `%s`. Meanwhile ListIncidents' first page, at concurrency 1, answered %d calls (%d failed) with p50 %.2f ms and p99 %.2f ms.\n\n",
				im.Elapsed.Round(100*time.Millisecond), im.rate(), im.Summary, im.During.Calls, im.During.Errors, im.During.P50/1e3, im.During.P99/1e3)
		}
	}
}

// writeSettle says how the scale section waited for the processes to settle after each
// start, and what each wait found.
func (r *runner) writeSettle(w writer) {
	res := r.res
	q := res.Settle
	w("**Settling before measuring.** After all three processes are healthy on the loaded data, the bench reads their CPU from `/proc/<pid>/stat` every %v and waits until it stays under %g cores, summed, for %d windows in a row (at most %v); only then does it measure, so that the figures are of the settled system and share no core with work the processes still do after they report healthy. The wait is the *Healthy to settled* column: from all healthy to the start of the quiet windows, which add %v to the wait. ",
		q.Window, q.Threshold, q.Windows, q.Cap, time.Duration(q.Windows)*q.Window)
	var parts, unsettled []string
	for _, st := range res.Scale {
		parts = append(parts, fmt.Sprintf("at %s incidents %s", count(st.Size), settleText(st.Settle, q)))
		if !st.Settle.Quiet {
			unsettled = append(unsettled, count(st.Size))
		}
	}
	w("This run: %s.", strings.Join(parts, "; "))
	if len(unsettled) > 0 {
		w(" At %s incidents the wait reached its cap, so the figures there were measured while the processes still worked.", strings.Join(unsettled, " and "))
	}
	w("\n\n")
}

// settleText says what one wait for quiet found.
func settleText(s proc.Settled, q proc.Quiet) string {
	if s.Quiet {
		return fmt.Sprintf("quiet %s after all were healthy, having used %s of CPU since", ms(s.After), spentList(s.Spent))
	}
	return fmt.Sprintf("not quiet within %v (over the last %v: %s), so measured unsettled", q.Cap, q.Window, coresList(s.Last))
}

// settleCell is the table's short form of settleText.
func settleCell(s proc.Settled, q proc.Quiet) string {
	if s.Quiet {
		return ms(s.After)
	}
	return fmt.Sprintf("not within %v (last %v: %s)", q.Cap, q.Window, coresList(s.Last))
}

// quietRule says when the processes count as settled.
func quietRule(q proc.Quiet) string {
	return fmt.Sprintf("the servers' CPU under %g cores for %d × %v, waited for at most %v", q.Threshold, q.Windows, q.Window, q.Cap)
}

// spentList is "gateway 1.20 s, incident 0.30 s, store 0.45 s".
func spentList(cpu proc.CPUSnapshot) string {
	var parts []string
	for _, name := range []string{nameGateway, nameIncident, nameStore} {
		if d, ok := cpu[name]; ok {
			parts = append(parts, fmt.Sprintf("%s %.2f s", name, d.Seconds()))
		}
	}
	return orText(strings.Join(parts, ", "), "no counters read")
}

// coresList is "gateway 0.85, incident 0.02, store 0.30 cores".
func coresList(cores map[string]float64) string {
	var parts []string
	for _, name := range []string{nameGateway, nameIncident, nameStore} {
		if c, ok := cores[name]; ok {
			parts = append(parts, fmt.Sprintf("%s %.2f", name, c))
		}
	}
	if len(parts) == 0 {
		return "no counters read"
	}
	return strings.Join(parts, ", ") + " cores"
}

// p50p99ms is the runs' p50 and p99 in ms, or "all failed".
func p50p99ms(ss []sample) string {
	if _, failed := allFailed(ss); failed {
		return "all failed"
	}
	return scaled(figure(ss, p50), 1e-3).Format("%.2f") + " / " + scaled(figure(ss, p99), 1e-3).Format("%.2f")
}

// p50ms is the runs' p50 in ms, or "all failed".
func p50ms(ss []sample) string {
	if _, failed := allFailed(ss); failed {
		return "all failed"
	}
	return scaled(figure(ss, p50), 1e-3).Format("%.2f")
}

func joinCounts(steps []scaleStep) string {
	s := make([]string, len(steps))
	for i, st := range steps {
		s[i] = count(st.Size)
	}
	return strings.Join(s, ", ")
}

// explainScale says, for each missed scale target, why, from this run's counters and
// profiles only.
func (r *runner) explainScale(w writer, missed map[string][]string) {
	res := r.res
	last := res.Scale[len(res.Scale)-1]
	for _, sc := range []struct{ scenario, t string }{{scenarioScaleList, tList}, {scenarioScaleFiltered, tFiltered}} {
		figs := missed[sc.scenario]
		if len(figs) == 0 {
			continue
		}
		w("### %s\n\nMissed: %s.\n\n", figs[0], strings.Join(figs, "; "))
		ss := last.Reads[sc.t]
		w("From this run's CPU counters at %s incidents, one call cost: %s. ", count(last.Size), cpuPerCallList(ss))
		s0 := res.Scale[0]
		w("At %s it cost: %s. ", count(s0.Size), cpuPerCallList(s0.Reads[sc.t]))
		if name, grew := mostGrown(s0.Reads[sc.t], ss); name != "" {
			w("The %s's CPU per call grew most with the data, by %.0f µs.", processLabel(name), grew)
		}
		w("%s\n\n", r.profileNote(sc.scenario))
	}
	if figs := missed[scenarioScaleGet]; len(figs) > 0 {
		w("### GetIncident through the gateway at scale\n\nMissed: %s.\n\n", strings.Join(figs, "; "))
		baseline := func(st scaleStep) float64 {
			return figure(st.Get[tBaseline], func(s sample) float64 { return s.cpuPerCall(nameBaseline) }).Median
		}
		said := []string{fmt.Sprintf("CPU per call at %s incidents: %s; the baseline: %.0f µs in its own process.", count(last.Size), cpuPerCallList(last.Get[tGetLoaded]), baseline(last))}
		if s0 := res.Scale[0]; s0.Size != last.Size {
			said = append(said, fmt.Sprintf("At %s: %s; the baseline %.0f µs.", count(s0.Size), cpuPerCallList(s0.Get[tGetLoaded]), baseline(s0)))
			if name, grew := mostGrown(s0.Get[tGetLoaded], last.Get[tGetLoaded]); name != "" {
				said = append(said, fmt.Sprintf("The %s's CPU per call grew most with the data, by %.0f µs.", processLabel(name), grew))
			}
		}
		w("%s%s\n\n", strings.Join(said, " "), r.profileNote(scenarioScaleGet))
	}
	if figs := missed[scenarioScaleCreate]; len(figs) > 0 {
		w("### CreateIncident through the gateway at scale\n\nMissed: %s.\n\n", strings.Join(figs, "; "))
		r.explainScaleCreate(w)
	}
	if figs := missed[scenarioScaleWatch]; len(figs) > 0 {
		w("### The store's CPU with idle watches\n\nMissed: %s.\n\n", strings.Join(figs, "; "))
		var parts []string
		for _, st := range res.Scale {
			parts = append(parts, fmt.Sprintf("%s incidents: %.3f cores with none open, %.3f with %d", count(st.Size), st.Idle[nameStore], st.Watched[nameStore], st.Watches))
		}
		w("Measured: %s. ", strings.Join(parts, "; "))
		w("So the %d watches cost the store %s at %s incidents, against %s at %s.%s\n\n", last.WatchesAsked,
			watchCost(last), count(last.Size), watchCost(res.Scale[0]), count(res.Scale[0].Size), r.profileNote(scenarioScaleWatch))
	}
	if figs := missed[scenarioScaleStart]; len(figs) > 0 {
		w("### Start to healthy\n\nMissed: %s. At %s incidents the store answered after %s, the incident service was healthy after %s and the gateway after %s (each from launching the store), so the last to be ready was the %s.\n\n",
			strings.Join(figs, "; "), count(last.Size), ms(last.Restart.Store), ms(last.Restart.Incident), ms(last.Restart.Gateway), slowest(last.Restart))
	}
	if figs := missed[scenarioScaleRSS]; len(figs) > 0 {
		st0 := res.Scale[0]
		per := ratio(float64(last.RSS[nameIncident]-st0.RSS[nameIncident]), float64(last.IncidentsTotal-st0.IncidentsTotal))
		w("### Memory\n\nMissed: %s. The incident service's RSS was %s at %s incidents and %s at %s", strings.Join(figs, "; "),
			mib(st0.RSS[nameIncident]), count(st0.Size), mib(last.RSS[nameIncident]), count(last.Size))
		if per > 0 {
			w(": %.0f bytes per incident added", per)
		}
		w(".\n\n")
	}
	if figs := missed[scenarioImport]; len(figs) > 0 {
		im := res.Import
		w("### Import\n\nMissed: %s. ", strings.Join(figs, "; "))
		if n := parallelOf(im); n > 0 {
			w("The import kept %d rows in flight, so a row took about %.0f ms end to end (rows in flight / rate). ", n, ratio(1e3*float64(n), im.rate()))
		}
		for _, st := range res.Scale {
			if st.Load.Created > 0 {
				w("The scale section's load, CreateIncident through the gateway on the same path with %d callers, reached %.0f creates/s on its way to %s incidents.", st.Load.Concurrency, st.Load.rate(), count(st.Size))
				break
			}
		}
		w("\n\n")
	}
	for _, p := range res.ScaleProfiles {
		w("#### Profile: %s (%s scenario)\n\n", p.Target, p.Scenario)
		if p.PerfErr != "" {
			w("perf: %s\n\n", p.PerfErr)
		}
		for _, name := range []string{nameGateway, nameIncident, nameStore} {
			if ps, ok := p.Perf[name]; ok {
				writePerf(w, name, ps)
			}
		}
	}
}

// explainScaleCreate says, for a missed create target at scale, whether the ratio fell
// with the data, what a create cost each process, and where the profiles are.
func (r *runner) explainScaleCreate(w writer) {
	res := r.res
	var with []scaleStep
	for _, st := range res.Scale {
		if len(st.Write) > 0 {
			with = append(with, st)
		}
	}
	if len(with) == 0 {
		return
	}
	first, last := with[0], with[len(with)-1]
	ratioAt := func(st scaleStep) stats.Summary { return paired(st.Write[tCreate], st.Write[tInsert], ratioRPS) }
	var parts []string
	for _, st := range with {
		parts = append(parts, fmt.Sprintf("%s at %s", ratioAt(st).Format("%.2f"), count(st.Size)))
	}
	w("CreateIncident through the gateway / bare InsertOne, by size: %s. ", strings.Join(parts, ", "))
	if first.Size != last.Size {
		if r0 := ratioAt(first); r0.N > 0 && r0.Median < targetCreateRatio {
			w("It was under the %.1f target already at %s incidents, so the miss is the create path's cost, not the size of the data. ", targetCreateRatio, count(first.Size))
		} else {
			w("It met the %.1f target at %s incidents and fell below it as the data grew. ", targetCreateRatio, count(first.Size))
		}
	}
	storePerInsert := func(st scaleStep) float64 {
		return figure(st.Write[tInsert], func(s sample) float64 { return s.cpuPerCall(nameStore) }).Median
	}
	w("CPU per create at %s incidents: %s; the store spent %.0f µs per bare insert. ", count(last.Size), cpuPerCallList(last.Write[tCreate]), storePerInsert(last))
	if first.Size != last.Size {
		w("At %s: %s; %.0f µs per bare insert. ", count(first.Size), cpuPerCallList(first.Write[tCreate]), storePerInsert(first))
	}
	w("%s", r.profileNote(scenarioScaleCreate))
	if ps, ok := r.profileOf(scenarioIngest, nameStore); ok {
		w(" The headline ingest profile (the store during creates on fresh data, under Ingest above and its profile below): %s.", areaList(ps.Areas, 4))
	}
	w("\n\n")
}

// watchCost is what the idle watches added to the store's CPU at one size.
func watchCost(st scaleStep) string {
	d := st.Watched[nameStore] - st.Idle[nameStore]
	if d <= 0 {
		return fmt.Sprintf("nothing measurable (%.3f cores with them, %.3f without)", st.Watched[nameStore], st.Idle[nameStore])
	}
	return fmt.Sprintf("%.3f cores", d)
}

// processLabel names a process in a sentence.
func processLabel(name string) string {
	switch name {
	case nameIncident:
		return "incident service"
	default:
		return name
	}
}

// parallelOf is the import's rows in flight: its --parallel, or 0 when the CLI chose.
func parallelOf(im importResult) int {
	var n int
	if _, err := fmt.Sscan(im.Parallel, &n); err == nil && n > 0 {
		return n
	}
	return 0
}

// profileNote points at a scenario's profile below, with its top areas, when there is one.
func (r *runner) profileNote(scenario string) string {
	for _, p := range r.res.ScaleProfiles {
		if p.Scenario != scenario {
			continue
		}
		var parts []string
		for _, name := range []string{nameStore, nameIncident, nameGateway} {
			if ps, ok := p.Perf[name]; ok && len(ps.Areas) > 0 {
				parts = append(parts, fmt.Sprintf("%s: %s", name, areaList(ps.Areas, 3)))
			}
		}
		if len(parts) > 0 {
			return " Where each process's CPU went, from the profile below (taken in this run): " + strings.Join(parts, "; ") + "."
		}
	}
	return ""
}

// cpuPerCallList is the median CPU µs per call of each process in ss.
func cpuPerCallList(ss []sample) string {
	var parts []string
	for _, name := range []string{nameGateway, nameIncident, nameStore} {
		c := figure(ss, func(s sample) float64 { return s.cpuPerCall(name) })
		if c.N > 0 {
			parts = append(parts, fmt.Sprintf("%s %.0f µs", name, c.Median))
		}
	}
	return strings.Join(parts, ", ")
}

// mostGrown is the process whose median CPU per call grew most from before to after, and
// by how many µs; "" when none grew.
func mostGrown(before, after []sample) (string, float64) {
	name, most := "", 0.0
	for _, p := range []string{nameGateway, nameIncident, nameStore} {
		cost := func(ss []sample) float64 { return figure(ss, func(s sample) float64 { return s.cpuPerCall(p) }).Median }
		if d := cost(after) - cost(before); d > most {
			name, most = p, d
		}
	}
	return name, most
}

func slowest(st startup) string {
	name, d := nameStore, st.Store
	if st.Incident > d {
		name, d = "incident service", st.Incident
	}
	if st.Gateway > d {
		name = nameGateway
	}
	return name
}
