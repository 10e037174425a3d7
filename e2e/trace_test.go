package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/telemetry"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestOneCallIsOneTraceAcrossProcesses starts the system with each process writing its
// spans to a file of its own, makes one CreateIncident call through the gateway as part of
// a trace the caller began, and checks that the call left one trace across the processes:
// the caller's span -> gateway server span -> gateway client span -> incident service
// server span -> the store command it ran. A write, because reads are answered from the
// service's cache and reach the store no more.
func TestOneCallIsOneTraceAcrossProcesses(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	files := map[string]string{
		stack.Gateway:  filepath.Join(dir, "gateway-spans.jsonl"),
		stack.Incident: filepath.Join(dir, "incident-spans.jsonl"),
	}
	sys, err := harness.Start(ctx, filepath.Join(dir, "system"), func(c *stack.Config) {
		c.Env = map[string][]string{
			stack.Gateway:  {"TANSIQ_TRACE_FILE=" + files[stack.Gateway]},
			stack.Incident: {"TANSIQ_TRACE_FILE=" + files[stack.Incident]},
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sys.Close() })
	conn := sys.Conn(stack.Gateway, sys.Token("trace-operator", harness.Peshmerga, auth.RoleOperator))
	t.Cleanup(func() { _ = conn.Close() })
	incidents := incidentv1.NewIncidentServiceClient(conn)

	// The caller is itself traced: it sends W3C trace context, as an instrumented client
	// would, so the trace must continue from the caller's span rather than start anew.
	traceID, callerSpan := randomHex(16), randomHex(8)
	callCtx := metadata.AppendToOutgoingContext(ctx, "traceparent", "00-"+traceID+"-"+callerSpan+"-01")
	if _, err := incidents.CreateIncident(callCtx, &incidentv1.CreateIncidentRequest{
		RequestId: "trace-" + randomHex(8), Incident: ied("Makhmour", time.Now().Add(-time.Hour)),
	}); err != nil {
		t.Fatal(err)
	}

	// Servers write a span when it ends, which may be just after the reply reached us.
	const method = "tansiq.incident.v1.IncidentService/CreateIncident"
	var problem string
	deadline := time.Now().Add(15 * time.Second)
	for {
		gw := spansOfTrace(t, files[stack.Gateway], traceID)
		inc := spansOfTrace(t, files[stack.Incident], traceID)
		problem = checkChain(gw, inc, callerSpan, method)
		if problem == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s\ngateway spans of trace %s:\n%s\nincident spans:\n%s", problem, traceID, describe(gw), describe(inc))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkChain returns what is missing from the expected parent chain, or "" if it is whole.
func checkChain(gw, inc []span, callerSpan, method string) string {
	gwServer := find(gw, func(s span) bool {
		return s.Kind == spanKindServer && s.Name == method && s.Parent.SpanID == callerSpan
	})
	if gwServer == nil {
		return "no gateway server span for " + method + " whose parent is the caller's span"
	}
	gwClient := find(gw, func(s span) bool {
		return s.Kind == spanKindClient && s.Name == method && s.Parent.SpanID == gwServer.Context.SpanID
	})
	if gwClient == nil {
		return "no gateway client span under the gateway server span"
	}
	incServer := find(inc, func(s span) bool {
		return s.Kind == spanKindServer && s.Name == method && s.Parent.SpanID == gwClient.Context.SpanID
	})
	if incServer == nil {
		return "no incident service server span under the gateway client span"
	}
	store := find(inc, func(s span) bool {
		return s.Kind == spanKindClient && s.Scope.Name == telemetry.MongoScope &&
			strings.HasPrefix(s.Name, "insert ") && s.Parent.SpanID == incServer.Context.SpanID
	})
	if store == nil {
		return "no store (insert) span under the incident service server span"
	}
	return ""
}

// span is what the trace file exporter (stdouttrace) writes of a span, one JSON per line.
type span struct {
	Name    string
	Kind    int `json:"SpanKind"`
	Context struct {
		TraceID, SpanID string
	} `json:"SpanContext"`
	Parent struct {
		TraceID, SpanID string
	}
	Scope struct{ Name string } `json:"InstrumentationScope"`
}

// The values of trace.SpanKind as the exporter writes them.
const (
	spanKindServer = 2
	spanKindClient = 3
)

// spansOfTrace reads the spans of one trace from a trace file; a file not yet written is
// empty.
func spansOfTrace(t *testing.T, path, traceID string) []span {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []span
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		var s span
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			continue // a line still being written
		}
		if s.Context.TraceID == traceID {
			out = append(out, s)
		}
	}
	return out
}

func find(spans []span, ok func(span) bool) *span {
	for i := range spans {
		if ok(spans[i]) {
			return &spans[i]
		}
	}
	return nil
}

func describe(spans []span) string {
	var b strings.Builder
	for _, s := range spans {
		fmt.Fprintf(&b, "  %s kind=%d span=%s parent=%s scope=%s\n", s.Name, s.Kind, s.Context.SpanID, s.Parent.SpanID, s.Scope.Name)
	}
	return b.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
