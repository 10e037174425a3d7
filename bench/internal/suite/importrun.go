package suite

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tansiq/tansiq/bench/internal/load"
)

// importResult is one run of `tansiq import incidents` of a generated archive, with the
// reads measured beside it to show whether the system stays responsive.
type importResult struct {
	Rows     int
	Parallel string
	Elapsed  time.Duration
	// Summary is the CLI's own last line ("N/N rows: ... imported, ... failed").
	Summary string
	Err     string
	// During is ListIncidents (first page) at concurrency 1 while the import ran.
	During sample
}

func (ir importResult) rate() float64 {
	if ir.Elapsed <= 0 {
		return 0
	}
	return float64(ir.Rows) / ir.Elapsed.Seconds()
}

// importColumns are the archive's columns, as the CLI documents them.
var importColumns = []string{"kind", "title", "occur_time", "latitude", "longitude", "reporting_force",
	"district", "governorates", "casualty_sides", "wounded", "source"}

// writeArchive writes an archive of rows incidents (the load's generator, numbered after
// the loaded ones so none repeats one) as CSV.
func writeArchive(path string, first, rows int) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(importColumns)
	kinds := map[string]string{
		"INCIDENT_KIND_ARMED_ATTACK": "armed_attack", "INCIDENT_KIND_IED": "ied", "INCIDENT_KIND_INDIRECT_FIRE": "indirect_fire",
		"INCIDENT_KIND_AMBUSH": "ambush", "INCIDENT_KIND_SNIPER": "sniper",
	}
	for i := first; i < first+rows; i++ {
		in := scaleIncident(i)
		// The CLI takes casualty sides only with a count: a row without casualties has neither.
		sides, wounded := "", ""
		for _, c := range in.GetCasualties().GetCounts() {
			sides, wounded = "peshmerga", fmt.Sprint(c.GetWounded())
		}
		_ = w.Write([]string{
			kinds[in.GetKind().String()], in.GetTitle(), in.GetOccurTime().AsTime().Format(time.RFC3339),
			fmt.Sprint(in.GetPlace().GetPoint().GetLatitude()), fmt.Sprint(in.GetPlace().GetPoint().GetLongitude()),
			"peshmerga", in.GetDistrict(), strings.Join(in.GetGovernorates(), ";"), sides, wounded, "bench archive",
		})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// importArchive runs the CLI, as an operator would, on an archive of ImportRows rows
// against the loaded stack, and reads the first page of incidents at concurrency 1 for as
// long as it runs.
func (r *runner) importArchive(ctx context.Context, sr *scaleRun) error {
	ir := &r.res.Import
	ir.Rows = r.o.ImportRows
	archive := filepath.Join(r.work, "archive.csv")
	if err := writeArchive(archive, 10_000_000, ir.Rows); err != nil {
		return err
	}
	args := []string{"import", "incidents", archive, "--addr", r.stack.gateway.Addr, "--batch", "bench-" + r.runID}
	ir.Parallel = "the CLI's default"
	if r.o.ImportParallel > 0 {
		args = append(args, "--parallel", fmt.Sprint(r.o.ImportParallel))
		ir.Parallel = fmt.Sprint(r.o.ImportParallel)
	}
	r.command("tansiq " + strings.ReplaceAll(strings.Join(args, " "), r.stack.gateway.Addr, "$GATEWAY") + "  # TANSIQ_TOKEN set")
	cmd := exec.CommandContext(ctx, r.bins[nameCLI], args...)
	cmd.Env = append(os.Environ(), "TANSIQ_TOKEN="+r.token)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	probeCtx, stopProbe := context.WithCancel(r.callContext(ctx))
	probeDone := make(chan load.Result, 1)
	list := listTarget(tList, sr.conns[0], "")
	go func() {
		res, _ := load.Run(probeCtx, load.Config{Concurrency: 1, Duration: 24 * time.Hour}, list.call)
		probeDone <- res
	}()
	r.logf("import: %d rows through `tansiq import incidents`", ir.Rows)
	t0 := time.Now()
	err := cmd.Run()
	ir.Elapsed = time.Since(t0)
	stopProbe()
	res := <-probeDone
	ir.During = sample{Target: tList, Concurrency: 1, RPS: res.Throughput(), P50: us(res.Percentile(50)), P90: us(res.Percentile(90)),
		P99: us(res.Percentile(99)), Calls: res.Calls, Errors: res.Errors, FirstError: res.FirstError}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	ir.Summary = strings.TrimSpace(lines[len(lines)-1])
	if err != nil {
		return fmt.Errorf("tansiq import: %w: %s (first lines: %s)", err, ir.Summary, oneLine(strings.Join(lines[:min(len(lines), 2)], " "), 300))
	}
	return nil
}
