package gobench

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/tansiq/tansiq/bench/internal/stats"
)

// Line is one result line of `go test -bench`.
type Line struct {
	// Name is the benchmark's name without the -GOMAXPROCS suffix,
	// e.g. "BenchmarkContaining/index/n=100".
	Name       string
	Iterations int64
	// Metrics maps each unit ("ns/op", "B/op", "p50-ns", ...) to its value.
	Metrics map[string]float64
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// Parse reads the result lines of `go test -bench` output and ignores everything else.
func Parse(r io.Reader) []Line {
	var out []Line
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// Name, iterations, then value-unit pairs.
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			continue
		}
		iters, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			continue
		}
		l := Line{Name: procsSuffix.ReplaceAllString(fields[0], ""), Iterations: iters, Metrics: map[string]float64{}}
		ok := true
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				ok = false
				break
			}
			l.Metrics[fields[i+1]] = v
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// Summaries groups the lines by benchmark and summarizes each metric over its runs:
// result[name][unit].
func Summaries(lines []Line) map[string]map[string]stats.Summary {
	values := map[string]map[string][]float64{}
	for _, l := range lines {
		m := values[l.Name]
		if m == nil {
			m = map[string][]float64{}
			values[l.Name] = m
		}
		for unit, v := range l.Metrics {
			m[unit] = append(m[unit], v)
		}
	}
	out := map[string]map[string]stats.Summary{}
	for name, m := range values {
		out[name] = map[string]stats.Summary{}
		for unit, vs := range m {
			out[name][unit] = stats.Summarize(vs)
		}
	}
	return out
}
