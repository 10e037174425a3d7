package suite

import (
	"strings"
	"testing"
	"time"

	"github.com/tansiq/tansiq/bench/internal/stats"
)

func TestAtLeastAtMost(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"ratio above bound passes", atLeast(stats.Summarize([]float64{0.9, 0.85, 0.7}), 0.8), statusPass},
		{"median below bound misses", atLeast(stats.Summarize([]float64{0.9, 0.75, 0.7}), 0.8), statusMiss},
		{"no data", atLeast(stats.Summary{}, 0.8), statusNA},
		{"latency under bound passes", atMost(stats.Summarize([]float64{100, 140, 900}), 150), statusPass},
		{"latency over bound misses", atMost(stats.Summarize([]float64{151}), 150), statusMiss},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

// TestPairedRatio: ratios are taken within each repetition, not between medians.
func TestPairedRatio(t *testing.T) {
	gw := []sample{{RPS: 80}, {RPS: 40}, {RPS: 90}}
	direct := []sample{{RPS: 100}, {RPS: 50}, {RPS: 100}}
	got := paired(gw, direct, ratioRPS)
	if got.Median != 0.8 || got.Min != 0.8 || got.Max != 0.9 {
		t.Errorf("paired ratio = %+v, want median 0.8 in [0.8, 0.9]", got)
	}
}

func latencies(us ...int) []time.Duration {
	out := make([]time.Duration, len(us))
	for i, u := range us {
		out[i] = time.Duration(u) * time.Microsecond
	}
	return stats.SortDurations(out)
}

func TestHopVerdictPoolsRuns(t *testing.T) {
	s := series{
		tGateway: {{lat: latencies(200, 210, 220)}, {lat: latencies(230, 240, 250)}},
		tDirect:  {{lat: latencies(100, 110, 120)}, {lat: latencies(130, 140, 150)}},
	}
	v := hopVerdict(s, 1, 50, 150, "", scenarioRead)
	// Pooled p50 of 6 values is the 3rd: 220 - 120 = 100 µs.
	if v.Status != statusPass || !strings.HasPrefix(v.Measured, "100 µs over 6+6 pooled calls") {
		t.Errorf("hopVerdict = %+v, want PASS at 100 µs over 6+6 calls", v)
	}
	if v := hopVerdict(s, 1, 50, 50, "", scenarioRead); v.Status != statusMiss {
		t.Errorf("with a 50 µs bound: %s, want MISS", v.Status)
	}
	faster := series{tGateway: s[tDirect], tDirect: s[tGateway]}
	if v := hopVerdict(faster, 1, 50, 150, "", ""); v.Status != statusNoise {
		t.Errorf("with the gateway faster than direct: %s, want %s", v.Status, statusNoise)
	}
	if v := hopVerdict(series{}, 1, 50, 150, "", ""); v.Status != statusNA {
		t.Errorf("without data: %s, want n/a", v.Status)
	}
}

func TestAreaOf(t *testing.T) {
	tests := []struct{ sym, want string }{
		{"[k] pvm_irq_enable", "kernel (syscalls, network, scheduling)"},
		{"[.] runtime.mallocgc", "Go runtime (GC, scheduler, allocation)"},
		{"[.] crypto/internal/fips140/edwards25519/field.feMul.abi0", "crypto (token signatures)"},
		{"[.] google.golang.org/grpc/internal/transport.(*loopyWriter).run", "gRPC and HTTP/2"},
		{"[.] memeqbody", "other"},
	}
	for _, tt := range tests {
		if got := areaOf(tt.sym); got != tt.want {
			t.Errorf("areaOf(%q) = %q, want %q", tt.sym, got, tt.want)
		}
	}
}

func TestReportLine(t *testing.T) {
	tests := []struct {
		line    string
		wantPct string
		wantSym string
	}{
		{"    15.57%  [k] pvm_irq_enable                      -      -            ", "15.57", "[k] pvm_irq_enable"},
		{"    61.09%     0.10%  [.] github.com/FerretDB/FerretDB/internal/handler.(*Handler).MsgFind", "61.09", "[.] github.com/FerretDB/FerretDB/internal/handler.(*Handler).MsgFind"},
		{"# Overhead  Symbol", "", ""},
	}
	for _, tt := range tests {
		m := reportLine.FindStringSubmatch(tt.line)
		if tt.wantPct == "" {
			if m != nil {
				t.Errorf("%q matched, want no match", tt.line)
			}
			continue
		}
		if m == nil || m[1] != tt.wantPct || !strings.HasPrefix(m[3], tt.wantSym) {
			t.Errorf("%q: got %q, want %s%% %s", tt.line, m, tt.wantPct, tt.wantSym)
		}
	}
}
