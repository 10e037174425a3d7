package handler_test

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/forces/internal/handler"
	"github.com/tansiq/tansiq/services/forces/internal/seed"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// Seed names the tests use.
const (
	ia        = "forces/iraqi-army"
	pm        = "forces/peshmerga"
	joc       = "forces/iraqi-army/units/joint-operations-command"
	nineveh   = "forces/iraqi-army/units/nineveh-operations-command"
	westNin   = "forces/iraqi-army/units/west-nineveh-operations-command"
	brigade   = "forces/iraqi-army/units/makhmour-sector-brigade"
	ministry  = "forces/peshmerga/units/ministry-of-peshmerga-affairs"
	general   = "forces/peshmerga/units/general-command"
	makhmour  = "forces/peshmerga/units/makhmour-front"
	garmiyan  = "forces/peshmerga/units/garmiyan-front"
	jamal     = "forces/peshmerga/people/jamal-mohammed-omar"
	sirwan    = "forces/peshmerga/people/sirwan-barzani"
	shammari  = "forces/iraqi-army/people/abdul-amir-al-shammari"
	ninCmdr   = "forces/iraqi-army/people/nineveh-operations-commander"
	westCmdr  = "forces/iraqi-army/people/west-nineveh-operations-commander"
	testToken = "test-page-tokens"
)

// newClient serves the handler over an in-process connection, on a fresh database loaded
// with the seed, and returns the generated client.
func newClient(t *testing.T) forcesv1.ForcesServiceClient {
	t.Helper()
	return forcesv1.NewForcesServiceClient(newConn(t))
}

// newConn serves the handler's services as newClient does and returns the connection.
func newConn(t *testing.T) *grpc.ClientConn {
	t.Helper()
	ctx := context.Background()
	s := forcesstore.New(storetest.DB(t))
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.UnaryInterceptor(asOwner))
	handler.New(s, pagetoken.New(testToken)).Register(srv)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// callers are the operators test calls come from, by force; other forces get a made-up one.
var callers = map[string]string{pm: sirwan, ia: shammari}

// callerOf is the operator of force that test calls on its records come from.
func callerOf(force string) auth.Identity {
	p, ok := callers[force]
	if !ok {
		p = force + "/people/test-operator"
	}
	return auth.Identity{Subject: p, Force: force, Role: auth.RoleOperator}
}

// asOwner stands in for the authenticator: each call comes from an operator of the force
// whose records it names (the force in its resource names), so these tests run the
// handlers with authorization on, as in production. Who may do what is the business of
// authz_test.go, which installs the real authenticator.
func asOwner(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	var name string
	switch r := req.(type) {
	case *forcesv1.CreateForceRequest:
		name = "forces/" + r.GetForceId()
	case *forcesv1.UpdateUnitRequest:
		name = r.GetUnit().GetName()
	case *forcesv1.UpdatePersonRequest:
		name = r.GetPerson().GetName()
	case interface{ GetParent() string }:
		name = r.GetParent()
	case interface{ GetName() string }:
		name = r.GetName()
	}
	force := pm
	if rest, ok := strings.CutPrefix(name, "forces/"); ok && rest != "" {
		id, _, _ := strings.Cut(rest, "/")
		force = "forces/" + id
	}
	return next(auth.WithIdentity(ctx, callerOf(force)), req)
}

// failure is what a test expects of an error: its code, its ErrorInfo reason (if not
// empty) and exactly its BadRequest field names (sorted; nil for none).
type failure struct {
	code   codes.Code
	reason string
	fields []string
}

func (f failure) String() string { return fmt.Sprintf("%v %s %v", f.code, f.reason, f.fields) }

func failureOf(err error) failure {
	st := status.Convert(err)
	f := failure{code: st.Code()}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			f.reason = d.GetReason()
		case *errdetails.BadRequest:
			for _, fv := range d.GetFieldViolations() {
				f.fields = append(f.fields, fv.GetField())
			}
		}
	}
	sort.Strings(f.fields)
	return f
}

// errorInfo is the metadata of err's google.rpc.ErrorInfo (nil without one).
func errorInfo(err error) map[string]string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetMetadata()
		}
	}
	return nil
}

// wantFailure fails the test unless err is the failure described.
func wantFailure(t *testing.T, what string, err error, want failure) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: succeeded, want %v", what, want)
	}
	got := failureOf(err)
	if want.reason == "" {
		got.reason = ""
	}
	sort.Strings(want.fields)
	if got.String() != want.String() {
		t.Fatalf("%s: got %v (%v), want %v", what, got, err, want)
	}
}

func en(s string) *typev1.LocalizedName { return &typev1.LocalizedName{English: s} }

func point(lat, lng float64) *typev1.Place {
	return &typev1.Place{Point: &typev1.LatLng{Latitude: lat, Longitude: lng}}
}
