package suite

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

// profile is where the time went in one scenario that missed a target.
type profile struct {
	Scenario    string
	Target      string
	Concurrency int
	Sample      sample
	// Perf holds, per process, what perf found.
	Perf    map[string]perfSummary
	PerfErr string
	// Pprof is `go tool pprof -top` of the load generator; PprofPath its profile.
	Pprof, PprofPath string
}

// profileMisses profiles each scenario with a missed target: the servers from outside
// with perf (when the machine has it; they serve no pprof endpoint), the load generator
// with runtime/pprof.
func (r *runner) profileMisses(ctx context.Context) {
	missed := map[string]bool{}
	for _, v := range r.res.verdicts() {
		if v.Status == statusMiss && v.Scenario != "" {
			missed[v.Scenario] = true
		}
	}
	for _, sc := range []struct {
		name string
		conc int
		t    target
	}{
		{scenarioRead, r.res.Peak, getIncidentTarget(tGateway, r.conns[nameGateway])},
		{scenarioIngest, r.o.IngestConcurrency, r.createTarget(tCreate, r.conns[nameGateway])},
		{scenarioZone, r.res.Peak, getZoneTarget(r.conns[nameGateway], r.zone)},
	} {
		if !missed[sc.name] || ctx.Err() != nil {
			continue
		}
		r.logf("profiling the %s scenario (%s at concurrency %d)", sc.name, sc.t.name, sc.conc)
		p, err := r.profileOne(ctx, sc.name, sc.conc, sc.t)
		if err != nil {
			r.logf("profile %s: %v", sc.name, err)
			continue
		}
		r.res.Profiles = append(r.res.Profiles, p)
	}
}

func (r *runner) profileOne(ctx context.Context, scenario string, conc int, t target) (profile, error) {
	p := profile{Scenario: scenario, Target: t.name, Concurrency: conc, Perf: map[string]perfSummary{}}
	dur := r.o.Duration
	perfBin, perfErr := exec.LookPath("perf")
	type rec struct {
		name, data string
		cmd        *exec.Cmd
		out        bytes.Buffer
	}
	var recs []*rec
	if perfErr == nil {
		for _, pr := range r.stack.procs() {
			rc := &rec{name: pr.Name, data: filepath.Join(r.o.Scratch, fmt.Sprintf("%s-%s.perf.data", scenario, pr.Name))}
			// The recording outlasts perf's start, the warm-up and the measured run.
			secs := fmt.Sprintf("%.1f", (perfSettle + r.o.Warmup + dur + 500*time.Millisecond).Seconds())
			rc.cmd = exec.CommandContext(ctx, perfBin, "record", "-F", perfHz, "-g", "-p", fmt.Sprint(pr.Pid()), "-o", rc.data, "--", "sleep", secs)
			rc.cmd.Stdout, rc.cmd.Stderr = &rc.out, &rc.out
			if err := rc.cmd.Start(); err != nil {
				p.PerfErr = err.Error()
				break
			}
			recs = append(recs, rc)
		}
	} else {
		p.PerfErr = "perf is not installed"
	}
	if len(recs) > 0 {
		time.Sleep(perfSettle) // perf takes a moment to attach; samples before that are lost
	}
	p.PprofPath = filepath.Join(r.o.Scratch, fmt.Sprintf("%s-loadgen.pprof", scenario))
	f, err := os.Create(p.PprofPath)
	if err != nil {
		return p, err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return p, err
	}
	s, err := r.once(ctx, conc, dur, t)
	pprof.StopCPUProfile()
	if err != nil {
		return p, err
	}
	p.Sample = s
	for _, rc := range recs {
		if err := rc.cmd.Wait(); err != nil {
			p.PerfErr = fmt.Sprintf("perf record for %s: %v: %s", rc.name, err, strings.TrimSpace(rc.out.String()))
			continue
		}
		p.Perf[rc.name] = summarizePerf(ctx, perfBin, rc.data)
	}
	p.Pprof = strings.TrimSpace(output(ctx, r.o.Repo, "go", "tool", "pprof", "-top", "-nodecount=12", r.o.Self, p.PprofPath))
	return p, nil
}

// perfSettle is how long perf is given to attach before the load starts; perfHz is its
// sampling frequency.
const (
	perfSettle = time.Second
	perfHz     = "999"
)
