package faults

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/deploy/local/stack"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestHostileInputIsRefusedAndServingGoesOn sends what no honest client sends (a message
// over the size limit, altered and replayed page tokens, bytes that are no message at
// all) and checks each is refused with the right code and no internals, and that every
// process goes on serving without a restart.
func TestHostileInputIsRefusedAndServingGoesOn(t *testing.T) {
	env := startSystem(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	token := operator(env, "hostile-client")
	gateway := dial(t, env, stack.Gateway, token)
	incidents := incidentv1.NewIncidentServiceClient(gateway)
	pids := map[string]int{}
	for _, name := range env.Processes() {
		pids[name] = env.Pid(name)
	}

	t.Run("oversize message", func(t *testing.T) {
		big := ied(uniqueDistrict("BIG"), "a report with a 5 MiB description", time.Date(2021, 12, 3, 0, 0, 0, 0, time.UTC))
		big.Description = strings.Repeat("x", 5<<20)
		for _, target := range []string{stack.Gateway, stack.Incident} {
			c := incidentv1.NewIncidentServiceClient(dial(t, env, target, token))
			_, err := c.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: big, RequestId: "oversize-" + target})
			if got := status.Code(err); got != codes.ResourceExhausted {
				t.Errorf("5 MiB CreateIncident to the %s: %v (%v), want RESOURCE_EXHAUSTED", target, got, err)
			}
		}
	})

	t.Run("page tokens", func(t *testing.T) {
		const filter = `governorate = "Nineveh"`
		page, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{Filter: filter, PageSize: 1})
		if err != nil || page.GetNextPageToken() == "" {
			t.Fatalf("first page: %v, %v; want a next page token (the seed has several Nineveh incidents)", page, err)
		}
		tok := page.GetNextPageToken()
		flipped := []byte(tok)
		mid := len(flipped) / 2
		flipped[mid] = map[bool]byte{true: 'A', false: 'B'}[flipped[mid] != 'A']
		tests := []struct {
			name   string
			filter string
			token  string
		}{
			{"one character changed", filter, string(flipped)},
			{"cut short", filter, tok[:len(tok)/2]},
			{"not base64", filter, "!!not a token!!"},
			{"made up", filter, "eyJzIjoxMDAsImwiOjEwMH0"},
			{"replayed with another filter", `governorate = "Kirkuk"`, tok},
		}
		for _, tt := range tests {
			_, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{Filter: tt.filter, PageSize: 1, PageToken: tt.token})
			if got, fields := status.Code(err), violations(err); got != codes.InvalidArgument || !contains(fields, "page_token") {
				t.Errorf("page token %s: %v %v (%v), want INVALID_ARGUMENT naming page_token", tt.name, got, fields, err)
			}
		}
		if _, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{Filter: filter, PageSize: 1, PageToken: tok}); err != nil {
			t.Errorf("the genuine token, after the tampered ones: %v", err)
		}
	})

	t.Run("random bytes", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 155)) // fixed: a failure replays
		methods := []struct{ target, method string }{
			{stack.Gateway, incidentv1.IncidentService_CreateIncident_FullMethodName},  // forwarded
			{stack.Gateway, incidentv1.IncidentService_ListIncidents_FullMethodName},   // forwarded
			{stack.Gateway, "/tansiq.gateway.v1.ZoneService/CreateZone"},               // the gateway's own
			{stack.Gateway, "/tansiq.gateway.v1.CoverageService/ListCoverageGaps"},     // the gateway's own
			{stack.Incident, incidentv1.IncidentService_UpdateIncident_FullMethodName}, // direct
		}
		got := map[codes.Code]int{}
		messages := map[string]bool{}
		for _, m := range methods {
			conn := gateway
			if m.target != stack.Gateway {
				conn = dial(t, env, m.target, token)
			}
			for i := range 25 {
				garbage := make([]byte, 1+rng.IntN(512))
				for j := range garbage {
					garbage[j] = byte(rng.Uint32())
				}
				cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
				err := conn.Invoke(cctx, m.method, &raw{garbage}, &raw{}, grpc.ForceCodec(rawCodec{}))
				ccancel()
				st := status.Convert(err)
				got[st.Code()]++
				messages[st.Code().String()+": "+st.Message()] = true
				switch st.Code() {
				case codes.InvalidArgument:
				case codes.Internal:
					if leak := internals(st.Message()); leak != "" {
						t.Errorf("%s garbage #%d: INTERNAL %q shows internals (%s)", m.method, i, st.Message(), leak)
					}
				default:
					t.Errorf("%s garbage #%d: %v %q, want INVALID_ARGUMENT or INTERNAL", m.method, i, st.Code(), st.Message())
				}
			}
		}
		t.Logf("%d random-bytes requests answered %v; %d distinct answers", 25*len(methods), got, len(messages))
		for m := range messages {
			t.Log("  ", m)
		}
	})

	// Every process still serves, and none was restarted.
	if _, err := incidents.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{PageSize: 1}); err != nil {
		t.Errorf("after the hostile input: %v", err)
	}
	for name, pid := range pids {
		if got := env.Pid(name); got != pid || env.Restarts(name) != 0 {
			t.Errorf("%s died on hostile input (pid %d -> %d, %d restarts)", name, pid, got, env.Restarts(name))
		}
	}
}

// violations returns the fields a BadRequest detail of err names.
func violations(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

// internals returns what in msg gives a server's insides away, or "".
func internals(msg string) string {
	for _, s := range []string{"goroutine", ".go:", "panic", "runtime.", "mongo", "sqlite", "127.0.0.1", "/tmp/", "/work/"} {
		if strings.Contains(strings.ToLower(msg), s) {
			return s
		}
	}
	return ""
}

// raw is a message that is only bytes, and rawCodec sends it as it is: how a client
// sends what no protobuf encoder would.
type raw struct{ b []byte }

type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.(*raw).b, nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	v.(*raw).b = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}
