package suite

import (
	"bufio"
	"context"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// perfSummary is what one process's perf recording says: where its CPU went by area, its
// hottest functions by self time, and the inclusive time of the functions that say what
// the work was for.
type perfSummary struct {
	Samples string
	Areas   []share
	Self    []share
	Through []share
	Err     string
}

type share struct {
	Name    string
	Percent float64
}

// areas group functions by where they come from; the first matching prefix wins, and
// kernel functions ("[k]") are their own area.
var areas = []struct{ prefix, area string }{
	{"crypto/", "crypto (token signatures)"},
	{"github.com/golang-jwt/", "crypto (token signatures)"},
	{"runtime.", "Go runtime (GC, scheduler, allocation)"},
	{"internal/runtime/", "Go runtime (GC, scheduler, allocation)"},
	{"gcWriteBarrier", "Go runtime (GC, scheduler, allocation)"},
	{"google.golang.org/grpc", "gRPC and HTTP/2"},
	{"golang.org/x/net/http2", "gRPC and HTTP/2"},
	{"google.golang.org/protobuf", "protobuf"},
	{"go.opentelemetry.io/", "telemetry (otel)"},
	{"log/slog", "logging (slog)"},
	{"encoding/json", "encoding/json"},
	{"go.mongodb.org/", "mongo driver"},
	{"github.com/FerretDB/", "FerretDB"},
	{"modernc.org/", "SQLite (modernc)"},
	{"github.com/tansiq/", "tansiq code"},
}

// through are the functions whose inclusive time is worth reporting: request handlers,
// token checks, logging, store commands.
var through = regexp.MustCompile(`^(github\.com/FerretDB/FerretDB/internal/handler\.\(\*Handler\)\.Msg\w+|` +
	`github\.com/FerretDB/FerretDB/internal/backends/sqlite\.\(\*collection\)\.\w+|` +
	`github\.com/tansiq/tansiq/[\w/.()*]+|` +
	`github\.com/golang-jwt/jwt/v5\.\(\*Parser\)\.ParseWithClaims|` +
	`crypto/ed25519\.Verify\w*|` +
	`log/slog\.\(\*Logger\)\.log|` +
	`go\.opentelemetry\.io/contrib/instrumentation/google\.golang\.org/grpc/otelgrpc\.\(\*(server|client)Handler\)\.HandleRPC|` +
	`go\.mongodb\.org/mongo-driver/v2/mongo\.\(\*Collection\)\.\w+)$`)

// summarizePerf reads a perf recording made with call graphs.
func summarizePerf(ctx context.Context, perfBin, data string) perfSummary {
	var s perfSummary
	self, samples, err := perfReport(ctx, perfBin, data, "--no-children")
	if err != nil {
		return perfSummary{Err: err.Error()}
	}
	s.Samples = samples
	byArea := map[string]float64{}
	for _, e := range self {
		byArea[areaOf(e.Name)] += e.Percent
	}
	for a, pct := range byArea {
		s.Areas = append(s.Areas, share{a, pct})
	}
	sortShares(s.Areas)
	s.Self = self[:min(len(self), 10)]
	for i := range s.Self {
		s.Self[i].Name = strings.TrimPrefix(strings.TrimPrefix(s.Self[i].Name, "[.] "), "[k] ")
	}
	incl, _, err := perfReport(ctx, perfBin, data, "--children")
	if err == nil {
		for _, e := range incl {
			name := strings.TrimPrefix(e.Name, "[.] ")
			if through.MatchString(name) {
				s.Through = append(s.Through, share{name, e.Percent})
			}
		}
		sortShares(s.Through)
		s.Through = s.Through[:min(len(s.Through), 12)]
	}
	return s
}

func areaOf(sym string) string {
	if strings.HasPrefix(sym, "[k] ") {
		return "kernel (syscalls, network, scheduling)"
	}
	name := strings.TrimPrefix(sym, "[.] ")
	for _, a := range areas {
		if strings.HasPrefix(name, a.prefix) {
			return a.area
		}
	}
	return "other"
}

func sortShares(s []share) {
	slices.SortFunc(s, func(a, b share) int {
		switch {
		case a.Percent > b.Percent:
			return -1
		case a.Percent < b.Percent:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
}

var (
	reportLine  = regexp.MustCompile(`^\s*(\d+\.\d+)%\s+(?:(\d+\.\d+)%\s+)?(\[[.k]\] .*)$`)
	samplesLine = regexp.MustCompile(`^# Samples: (\S+)`)
)

// perfReport runs `perf report` and returns its entries (the first percentage: children
// with --children, self otherwise) and the sample count. Call-graph lines are skipped.
func perfReport(ctx context.Context, perfBin, data, mode string) ([]share, string, error) {
	cmd := exec.CommandContext(ctx, perfBin, "report", "-i", data, "--stdio", mode, "-g", "none", "--sort", "symbol", "--percent-limit", "0.3")
	out, err := cmd.Output()
	if err != nil {
		return nil, "", err
	}
	var entries []share
	samples := ""
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := samplesLine.FindStringSubmatch(line); m != nil && samples == "" {
			samples = m[1]
			continue
		}
		m := reportLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pct, _ := strconv.ParseFloat(m[1], 64)
		f := strings.Fields(m[3])
		for len(f) > 0 && f[len(f)-1] == "-" { // empty IPC columns of some perf versions
			f = f[:len(f)-1]
		}
		entries = append(entries, share{strings.Join(f, " "), pct})
	}
	return entries, samples, nil
}
