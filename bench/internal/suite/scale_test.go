package suite

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tansiq/tansiq/bench/internal/proc"
	"github.com/tansiq/tansiq/bench/internal/stats"
)

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDirtyPaths(t *testing.T) {
	got := dirtyPaths(" M bench/internal/suite/scale.go\n?? BENCHMARKS.md\n")
	if len(got) != 2 || got[0] != "bench/internal/suite/scale.go" || got[1] != "BENCHMARKS.md" {
		t.Errorf("dirtyPaths = %q", got)
	}
	if got := dirtyPaths(""); len(got) != 0 {
		t.Errorf("clean tree: %q", got)
	}
}

// The loaded incidents vary, so the filtered page selects a share of them at every size:
// neither none (an empty page measures nothing) nor all.
func TestScaleIncidentsFillTheFilteredWindow(t *testing.T) {
	from, _ := time.Parse(time.RFC3339, scaleFrom)
	to, _ := time.Parse(time.RFC3339, scaleTo)
	const n = 1000
	inWindow, kinds := 0, map[string]bool{}
	for i := range n {
		in := scaleIncident(i)
		kinds[in.GetKind().String()] = true
		at := in.GetOccurTime().AsTime()
		if at.After(time.Now()) {
			t.Fatalf("incident %d occurs in the future (%v): the service would refuse it", i, at)
		}
		if in.GetGovernorates()[0] == scaleGovernorate && !at.Before(from) && at.Before(to) {
			inWindow++
		}
	}
	if inWindow < 50 || inWindow > n/2 {
		t.Errorf("%d of %d incidents match the filter; want at least a page of 50 and not most", inWindow, n)
	}
	if len(kinds) != len(scaleKinds) {
		t.Errorf("kinds used: %v", kinds)
	}
}

func TestWriteArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.csv")
	if err := writeArchive(path, 10, 4); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(importColumns, ",") {
		t.Fatalf("rows = %q", rows)
	}
	for _, row := range rows[1:] {
		for i, v := range row {
			if v == "" && importColumns[i] != "casualty_sides" && importColumns[i] != "wounded" {
				t.Errorf("column %s empty in %q", importColumns[i], row)
			}
		}
		// The CLI refuses sides without a count (and the reverse makes no sense).
		if (row[8] == "") != (row[9] == "") {
			t.Errorf("casualty_sides %q with wounded %q", row[8], row[9])
		}
	}
	if rows[1][1] != scaleIncident(10).GetTitle() {
		t.Errorf("first row is not incident 10: %q", rows[1])
	}
}

// step builds a scale step whose list reads have the given p50s, in ms.
func step(size int, listMs, filteredMs float64, storeWatched float64) scaleStep {
	return scaleStep{
		Size: size, Watches: 20, WatchesAsked: 20,
		Reads: series{
			tList:     {{P50: listMs * 1e3, Calls: 10}, {P50: listMs * 1e3, Calls: 10}},
			tFiltered: {{P50: filteredMs * 1e3, Calls: 10}, {P50: filteredMs * 1e3, Calls: 10}},
		},
		Watched: map[string]float64{nameStore: storeWatched},
		Restart: startup{All: 3 * time.Second},
	}
}

func statusOf(vs []verdict, prefix string) string {
	for _, v := range vs {
		if strings.HasPrefix(v.Figure, prefix) {
			return v.Status
		}
	}
	return "absent"
}

func TestScaleVerdicts(t *testing.T) {
	// At 100,000: 4 ms passes 5 ms, but 4 ms is 2.7x the 1.5 ms at 1,000: a miss.
	res := &Results{Scale: []scaleStep{step(1000, 1.5, 2, 0.01), step(100000, 4, 2.5, 0.05)}}
	vs := res.scaleVerdicts()
	if got := statusOf(vs, "ListIncidents, first page of 50, p50, at 100,000"); got != statusMiss {
		t.Errorf("list at 100,000 growing 2.7x: %s, want MISS", got)
	}
	if got := statusOf(vs, "ListIncidents, governorate + two-year window, page of 50, p50, at 100,000"); got != statusPass {
		t.Errorf("filtered at 100,000, 2.5 ms and 1.25x: %s, want PASS", got)
	}
	if got := statusOf(vs, "ListIncidents, first page of 50, p50, at 1,000"); got != statusNone {
		t.Errorf("list at 1,000 is reported, not judged: %s", got)
	}
	if got := statusOf(vs, "Store CPU with 20 idle WatchIncidents open, at 1,000"); got != statusPass {
		t.Errorf("0.01 cores: %s, want PASS", got)
	}
	if got := statusOf(vs, "Store CPU with 20 idle WatchIncidents open, at 100,000"); got != statusMiss {
		t.Errorf("0.05 cores: %s, want MISS", got)
	}
	if got := statusOf(vs, "Start on the loaded data to all healthy, at 100,000"); got != statusPass {
		t.Errorf("3 s restart: %s, want PASS", got)
	}

	quick := &Results{Scale: []scaleStep{step(1000, 1, 1, 0.01), step(10000, 9, 9, 0.01)}}
	if got := statusOf(quick.scaleVerdicts(), "Targets judged at 100,000"); got != statusNA {
		t.Errorf("a quick run must say the full-size targets were not judged: %s", got)
	}
	lost := step(1000, 1, 1, 0.001)
	lost.Watches = 12
	if got := statusOf((&Results{Scale: []scaleStep{lost}}).scaleVerdicts(), "Store CPU"); got != statusNA {
		t.Errorf("streams that closed early cannot pass: %s", got)
	}
}

func TestImportVerdict(t *testing.T) {
	res := &Results{Scale: []scaleStep{step(1000, 1, 1, 0.01)},
		Import: importResult{Rows: 10000, Parallel: "4", Elapsed: 50 * time.Second, Summary: "10000/10000 rows"}}
	if got := statusOf(res.scaleVerdicts(), "`tansiq import incidents`"); got != statusPass {
		t.Errorf("200 rows/s: %s, want PASS", got)
	}
	res.Import.Elapsed = 100 * time.Second
	if got := statusOf(res.scaleVerdicts(), "`tansiq import incidents`"); got != statusMiss {
		t.Errorf("100 rows/s: %s, want MISS", got)
	}
}

func TestMostGrown(t *testing.T) {
	at := func(store, incident float64) []sample {
		return []sample{{Calls: 10, CPU: map[string]float64{nameStore: store * 10 / 1e6, nameIncident: incident * 10 / 1e6}}}
	}
	name, grew := mostGrown(at(100, 50), at(900, 80))
	if name != nameStore || grew < 799 || grew > 801 {
		t.Errorf("mostGrown = %s, %.1f; want store, 800", name, grew)
	}
	if name, _ := mostGrown(at(100, 50), at(90, 40)); name != "" {
		t.Errorf("nothing grew, got %s", name)
	}
}

func TestTokenVerdict(t *testing.T) {
	res := &Results{Token: map[string]map[string]stats.Summary{
		"BenchmarkVerify/uncached": {"ns/op": stats.Summarize([]float64{60000})},
		"BenchmarkVerify/cached":   {"ns/op": stats.Summarize([]float64{600})},
	}}
	if v := res.tokenVerdict(); v.Measured != "60.0 µs / 0.60 µs" {
		t.Errorf("tokenVerdict = %q", v.Measured)
	}
	if v := (&Results{TokenErr: "failed"}).tokenVerdict(); v.Status != statusNA {
		t.Errorf("without the benchmark: %s", v.Status)
	}
}

// A read whose every call failed has no latency: it must not show as 0 ms, nor pass.
func TestFailedReadsAreNotFast(t *testing.T) {
	failed := step(100000, 0, 0, 0.01)
	failed.Reads[tList] = []sample{{Calls: 2, Errors: 2, FirstError: "DeadlineExceeded"}}
	vs := (&Results{Scale: []scaleStep{step(1000, 1, 1, 0.01), failed}}).scaleVerdicts()
	if got := statusOf(vs, "ListIncidents, first page of 50, p50, at 100,000"); got != statusMiss {
		t.Errorf("every call failed at full size: %s, want MISS", got)
	}
	if p50ms(failed.Reads[tList]) != "all failed" {
		t.Errorf("table shows %q", p50ms(failed.Reads[tList]))
	}
}

// The scale section says how long each start took to settle, and that a size whose wait
// reached its cap was measured unsettled, with what was busy.
func TestSettleIsReported(t *testing.T) {
	q := proc.Quiet{Threshold: 0.1, Window: time.Second, Windows: 3, Cap: 90 * time.Second}
	calm := step(1000, 1, 1, 0.01)
	calm.Settle = proc.Settled{Quiet: true, After: 12300 * time.Millisecond, Spent: proc.CPUSnapshot{nameGateway: 10 * time.Second, nameIncident: time.Second, nameStore: 2500 * time.Millisecond}}
	busy := step(100000, 1, 1, 0.01)
	busy.Settle = proc.Settled{After: 90 * time.Second, Last: map[string]float64{nameGateway: 0.85, nameIncident: 0.02, nameStore: 0.3}}
	res := &Results{Scale: []scaleStep{calm, busy}, Settle: q}
	r := &runner{o: Defaults(), res: res}
	md := render(r.writeScale)
	for _, want := range []string{
		"| Start to healthy | Healthy to settled |",
		"| 12300 ms |",
		"| not within 1m30s (last 1s: gateway 0.85, incident 0.02, store 0.30 cores) |",
		"under 0.1 cores, summed, for 3 windows in a row (at most 1m30s)",
		"at 1,000 incidents quiet 12300 ms after all were healthy, having used gateway 10.00 s, incident 1.00 s, store 2.50 s of CPU since",
		"At 100,000 incidents the wait reached its cap, so the figures there were measured while the processes still worked.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	var settled []string
	for _, v := range res.verdicts() {
		if strings.HasPrefix(v.Figure, "All healthy to settled") {
			settled = append(settled, v.Measured)
		}
	}
	if len(settled) != 2 || !strings.HasPrefix(settled[0], "quiet 12300 ms") || !strings.HasPrefix(settled[1], "not quiet within 1m30s") {
		t.Errorf("summary rows of the settling: %q", settled)
	}
}
