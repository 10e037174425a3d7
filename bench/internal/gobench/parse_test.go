package gobench

import (
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/tansiq/tansiq/gateway/internal/geo
BenchmarkContaining/index/n=100-2         	   57184	      6740 ns/op	       481.0 p50-ns	      2264 p99-ns	      77 B/op	       1 allocs/op
BenchmarkContaining/index/n=100-2         	   60000	      6000 ns/op	       500.0 p50-ns	      2000 p99-ns	      77 B/op	       1 allocs/op
BenchmarkContaining/index/n=100-2         	   61000	      7000 ns/op	       450.0 p50-ns	      2100 p99-ns	      77 B/op	       1 allocs/op
BenchmarkGaps-2   	       3	  20759173 ns/op	  687770 B/op	    2054 allocs/op
BenchmarkBroken-2  abc  12 ns/op
PASS
ok  	github.com/tansiq/tansiq/gateway/internal/geo	14.794s
`

func TestParse(t *testing.T) {
	lines := Parse(strings.NewReader(sample))
	if got, want := len(lines), 4; got != want {
		t.Fatalf("Parse found %d lines, want %d: %+v", got, want, lines)
	}
	first := lines[0]
	if first.Name != "BenchmarkContaining/index/n=100" || first.Iterations != 57184 {
		t.Errorf("first line = %q x%d, want BenchmarkContaining/index/n=100 x57184", first.Name, first.Iterations)
	}
	wantMetrics := map[string]float64{"ns/op": 6740, "p50-ns": 481, "p99-ns": 2264, "B/op": 77, "allocs/op": 1}
	for unit, want := range wantMetrics {
		if got := first.Metrics[unit]; got != want {
			t.Errorf("metric %s = %v, want %v", unit, got, want)
		}
	}
	if lines[3].Name != "BenchmarkGaps" {
		t.Errorf("last name = %q, want BenchmarkGaps", lines[3].Name)
	}
}

func TestSummaries(t *testing.T) {
	s := Summaries(Parse(strings.NewReader(sample)))
	got := s["BenchmarkContaining/index/n=100"]["p50-ns"]
	if got.N != 3 || got.Median != 481 || got.Min != 450 || got.Max != 500 {
		t.Errorf("p50-ns summary = %+v, want 3 runs, median 481, min 450, max 500", got)
	}
	if n := s["BenchmarkGaps"]["ns/op"].N; n != 1 {
		t.Errorf("BenchmarkGaps ns/op runs = %d, want 1", n)
	}
}
