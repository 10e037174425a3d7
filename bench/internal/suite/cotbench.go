package suite

import (
	"context"

	"github.com/tansiq/tansiq/bench/internal/gobench"
	"github.com/tansiq/tansiq/bench/internal/report"
	"github.com/tansiq/tansiq/bench/internal/stats"
)

// cotEvents is how many events each run of the CoT fan-out benchmark publishes: enough
// for seconds of fan-out to 100 clients.
const cotEvents = "20000x"

// cotResults is what the CoT bridge's fan-out benchmark measured.
type cotResults struct {
	CoTCmd, CoTErr string
	CoT            map[string]map[string]stats.Summary
}

// cotBenchmark runs the CoT bridge's benchmark: events per second fanned out to 100
// connected TAK clients, and the resident memory of the process serving them.
func (r *runner) cotBenchmark(ctx context.Context) {
	s := gobench.Spec{Dir: r.o.Repo, Package: "./services/cotbridge/internal/server", Pattern: "FanOut",
		Benchtime: cotEvents, Count: r.o.GoBenchCount}
	r.res.CoTCmd = s.Command()
	r.res.CoT, r.res.CoTErr = r.runGoBench(ctx, s, "cot-bench.txt")
}

func (r *runner) writeCoT(w writer) {
	res := r.res
	w("## CoT bridge fan-out (Go benchmark)\n\n")
	if res.CoT == nil {
		w("Not measured: %s.\n\n", res.CoTErr)
		return
	}
	w("`services/cotbridge/internal/server`'s BenchmarkFanOut100Clients (`%s`): the bridge's server, in process, with 100 TCP clients connected over loopback, each reading and counting every event; events (a unit position each) are published as fast as the slowest client takes them, never more than half of the default queue (10,000 events) ahead, so none is dropped. Deliveries count each copy sent. The resident memory is that of the whole test process at the end, clients and prepared events included: an upper bound for the bridge's.\n\n", res.CoTCmd)
	var rows [][]string
	for _, name := range sortedKeys(res.CoT) {
		m := res.CoT[name]
		rows = append(rows, []string{name, m["events/s"].Format("%.0f"), m["deliveries/s"].Format("%.0f"), m["rss-MiB"].Format("%.1f")})
	}
	w("%s\n", report.Table([]string{"Benchmark", "events/s", "deliveries/s", "RSS (MiB)"}, rows))
}
