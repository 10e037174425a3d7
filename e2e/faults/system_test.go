package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// TestMain checks, after every test, that the test process itself left no goroutine
// behind; each test also checks after its own system is closed (startSystem).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// startSystem brings up a system of t's own, in t's temporary directory, with the seed
// scenario and authentication on. It is closed when t ends, and then the test process
// must have no goroutine left that it did not have before: every client, stream and
// worker the test started has ended.
func startSystem(t *testing.T, mutate func(*stack.Config)) *harness.Env {
	t.Helper()
	// Registered first, so it runs last: after the connections and the system are closed.
	// Goroutines running before the system started (earlier tests' are already checked)
	// are not this test's.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	began := time.Now()
	env, err := harness.Start(ctx, dir, func(c *stack.Config) {
		// A service stopped on purpose must be gone quickly even if its graceful stop
		// hangs: the stop is the process's own business (--shutdown-timeout, 10s).
		c.StopTimeout = 20 * time.Second
		if mutate != nil {
			mutate(c)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("system up in %.1fs: %v", time.Since(began).Seconds(), env.Processes())
	t.Cleanup(func() { _ = env.Close() })
	return env
}

// dial opens a connection to the named process of env that sends token with every call;
// it is closed when t ends. Unlike harness.Env.Conn it retries a refused connection
// within a fraction of a second, so a process that comes back is seen at once.
func dial(t *testing.T, env *harness.Env, name, token string) *grpc.ClientConn {
	t.Helper()
	opts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: time.Second,
			Backoff: backoffConfig(100*time.Millisecond, 500*time.Millisecond)})}
	if token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(auth.BearerCredentials(token, false)))
	}
	conn, err := grpc.NewClient(env.Addr(name), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// operator mints a token for a Peshmerga operator named person.
func operator(env *harness.Env, person string) string {
	return env.Token(person, harness.Peshmerga, auth.RoleOperator)
}

// uniqueDistrict is a district no other record has, so a filter on it finds exactly the
// records a test wrote.
func uniqueDistrict(prefix string) string {
	return fmt.Sprintf("%s-%d-%08x", prefix, os.Getpid(), rand.Uint32())
}

// ied is a valid incident in district; title tells the records of one test apart.
func ied(district, title string, at time.Time) *incidentv1.Incident {
	return &incidentv1.Incident{
		Kind: incidentv1.IncidentKind_INCIDENT_KIND_IED, Title: title,
		OccurTime: timestamppb.New(at),
		Place: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.80, Longitude: 43.60},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR},
		District: district, Governorates: []string{"Erbil", "Nineveh"}, ReportingForce: harness.Peshmerga,
		Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{
			{Sides: []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA}, Wounded: 1}}},
	}
}

// listDistrict returns every incident of district, page by page, as the caller sees them.
func listDistrict(ctx context.Context, c incidentv1.IncidentServiceClient, district string) ([]*incidentv1.Incident, error) {
	var out []*incidentv1.Incident
	tok := ""
	for range 100 { // bounded: 100 pages of 100 is far more than any test writes
		// WaitForReady: the client's connection may still be backing off from an outage
		// the test caused, after the server is healthy again.
		page, err := c.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{
			Filter: fmt.Sprintf("district = %q", district), PageSize: 100, PageToken: tok}, grpc.WaitForReady(true))
		if err != nil {
			return nil, err
		}
		out = append(out, page.GetIncidents()...)
		if tok = page.GetNextPageToken(); tok == "" {
			return out, nil
		}
	}
	return nil, fmt.Errorf("listing district %s: more than 100 pages", district)
}

// failure is what a test compares of an error: the code and the ErrorInfo reason.
type failure struct {
	Code   codes.Code
	Reason string
}

func failureOf(err error) failure {
	st := status.Convert(err)
	f := failure{Code: st.Code()}
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			f.Reason = info.GetReason()
		}
	}
	return f
}

// retryInfo returns the delay of the error's google.rpc.RetryInfo, or 0 without one.
func retryInfo(err error) time.Duration {
	for _, d := range status.Convert(err).Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration()
		}
	}
	return 0
}

// portRefuses reports whether nothing accepts connections at addr any more.
func portRefuses(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return true
	}
	_ = c.Close()
	return false
}

// backoffConfig is gRPC's reconnect backoff from base to most, instead of its default of
// one second growing to two minutes.
func backoffConfig(base, most time.Duration) backoff.Config {
	bo := backoff.DefaultConfig
	bo.BaseDelay, bo.MaxDelay = base, most
	return bo
}
