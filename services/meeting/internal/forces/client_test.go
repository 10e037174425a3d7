package forces

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/dial"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

const (
	jamal    = "forces/peshmerga/people/jamal-mohammed-omar"
	shammari = "forces/iraqi-army/people/abdul-amir-al-shammari"
	front    = "forces/peshmerga/units/makhmour-front"
)

// stubForces implements the two batch gets of the forces service over a fixed scenario;
// every other method is the generated Unimplemented one. It records what each call carried.
type stubForces struct {
	forcesv1.UnimplementedForcesServiceServer
	mu       sync.Mutex
	deadline time.Duration
	marker   []string
	// fail, when set, is returned instead of an answer; block waits for the call to end.
	fail  error
	block bool
}

func (s *stubForces) seen(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := ctx.Deadline(); ok {
		s.deadline = time.Until(d)
	}
	md, _ := metadata.FromIncomingContext(ctx)
	s.marker = md.Get("x-caller-marker")
	if s.block {
		s.mu.Unlock()
		<-ctx.Done()
		s.mu.Lock()
		return ctx.Err()
	}
	return s.fail
}

func (s *stubForces) BatchGetPeople(ctx context.Context, req *forcesv1.BatchGetPeopleRequest) (*forcesv1.BatchGetPeopleResponse, error) {
	if err := s.seen(ctx); err != nil {
		return nil, err
	}
	resp := &forcesv1.BatchGetPeopleResponse{}
	for _, n := range req.GetNames() {
		if n == jamal || n == shammari {
			resp.People = append(resp.People, &forcesv1.Person{Name: n, Force: domain.ForceOf(n)})
		} else {
			resp.MissingNames = append(resp.MissingNames, n)
		}
	}
	return resp, nil
}

func (s *stubForces) BatchGetUnits(ctx context.Context, req *forcesv1.BatchGetUnitsRequest) (*forcesv1.BatchGetUnitsResponse, error) {
	if err := s.seen(ctx); err != nil {
		return nil, err
	}
	resp := &forcesv1.BatchGetUnitsResponse{}
	for _, n := range req.GetNames() {
		if n == front {
			resp.Units = append(resp.Units, &forcesv1.Unit{Name: n, Force: domain.ForceOf(n)})
		} else {
			resp.MissingNames = append(resp.MissingNames, n)
		}
	}
	return resp, nil
}

// serve starts a gRPC forces server with stub on addr ("127.0.0.1:0" for any port) and
// returns its address and server.
func serve(t *testing.T, addr string, stub *stubForces) (string, *grpc.Server) {
	t.Helper()
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	forcesv1.RegisterForcesServiceServer(srv, stub)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String(), srv
}

func newClient(t *testing.T, addr string) *Client {
	t.Helper()
	conn, err := dial.New(addr, dial.Config{Retryable: Retryable})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return New(conn)
}

func TestLookups(t *testing.T) {
	stub := &stubForces{}
	addr, _ := serve(t, "127.0.0.1:0", stub)
	c := newClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "x-caller-marker", "makhmour")

	found, missing, err := c.People(ctx, []string{jamal, "forces/iraqi-army/people/nobody-known", shammari})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]domain.Member{
		jamal:    {Name: jamal, Force: "forces/peshmerga"},
		shammari: {Name: shammari, Force: "forces/iraqi-army"},
	}
	if len(found) != len(want) || found[jamal] != want[jamal] || found[shammari] != want[shammari] ||
		!slices.Equal(missing, []string{"forces/iraqi-army/people/nobody-known"}) {
		t.Errorf("People: found %v missing %v; want %v and the unknown name", found, missing, want)
	}
	// The caller's deadline and metadata travelled with the call.
	stub.mu.Lock()
	if stub.deadline <= 0 || stub.deadline > 5*time.Second || !slices.Equal(stub.marker, []string{"makhmour"}) {
		t.Errorf("server saw deadline %v and marker %v; want the caller's", stub.deadline, stub.marker)
	}
	stub.mu.Unlock()

	found, missing, err = c.Units(ctx, []string{front, "forces/iraqi-army/units/unit-ninety"})
	if err != nil || found[front].Force != "forces/peshmerga" || !slices.Equal(missing, []string{"forces/iraqi-army/units/unit-ninety"}) {
		t.Errorf("Units: found %v missing %v err %v", found, missing, err)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name string
		fail error
		want apperr.Kind
	}{
		{"unavailable", status.Error(codes.Unavailable, "draining"), apperr.KindUnavailable},
		{"refused", status.Error(codes.InvalidArgument, "at most 200 names"), apperr.KindInternal},
		{"denied", status.Error(codes.PermissionDenied, "no"), apperr.KindInternal},
	}
	for _, tt := range tests {
		addr, _ := serve(t, "127.0.0.1:0", &stubForces{fail: tt.fail})
		c := newClient(t, addr)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _, err := c.People(ctx, []string{jamal})
		cancel()
		if e, ok := apperr.As(err); !ok || e.Kind != tt.want {
			t.Errorf("%s: %v, want kind %v", tt.name, err, tt.want)
		}
		// The forces service's status must not pass through to this service's callers.
		if st := status.Convert(apperr.ToStatus(err, "tansiq.meeting")); strings.Contains(st.Message(), tt.fail.Error()[len("rpc error: code = "):]) {
			t.Errorf("%s: the downstream status reached the caller: %v", tt.name, st)
		}
	}
}

func TestSlowServerEndsWithTheCaller(t *testing.T) {
	addr, _ := serve(t, "127.0.0.1:0", &stubForces{block: true})
	c := newClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, _, err := c.Units(ctx, []string{front})
	if took := time.Since(began); !apperr.IsKind(err, apperr.KindUnavailable) || took > time.Second {
		t.Errorf("slow server: %v after %v, want UNAVAILABLE within the caller's 300ms", err, took)
	}
}

// TestServerStopped: with the forces service gone, a look-up fails fast with UNAVAILABLE,
// well within the caller's deadline, and works again once the service is back.
func TestServerStopped(t *testing.T) {
	addr, srv := serve(t, "127.0.0.1:0", &stubForces{})
	c := newClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, _, err := c.People(ctx, []string{jamal}); err != nil {
		t.Fatalf("before stop: %v", err)
	}
	srv.Stop()
	began := time.Now()
	_, _, err := c.People(ctx, []string{jamal})
	took := time.Since(began)
	t.Logf("look-up with the server stopped failed after %v", took)
	if !apperr.IsKind(err, apperr.KindUnavailable) || took > 3*time.Second {
		t.Fatalf("server stopped: %v after %v, want UNAVAILABLE within 3s", err, took)
	}
	if ctx.Err() != nil {
		t.Fatal("the caller's deadline passed: the failure was not fast")
	}
	serve(t, addr, &stubForces{})
	for {
		found, _, err := c.People(ctx, []string{jamal})
		if err == nil && found[jamal].Force == "forces/peshmerga" {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the client did not recover after the server came back: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestAbsent(t *testing.T) {
	for name, get := range map[string]func(context.Context, []string) (map[string]domain.Member, []string, error){
		"People": Absent{}.People, "Units": Absent{}.Units,
	} {
		if _, _, err := get(context.Background(), []string{jamal}); !apperr.IsKind(err, apperr.KindUnavailable) {
			t.Errorf("%s: %v, want UNAVAILABLE", name, err)
		}
	}
}
