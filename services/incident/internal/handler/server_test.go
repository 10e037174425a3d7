package handler

import (
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/authtest"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store/storetest"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

// env is one in-process IncidentService over a fresh database.
type env struct {
	client incidentv1.IncidentServiceClient
	store  *incidentstore.Incidents
}

// newEnv serves a Handler over bufconn on its own database and returns a generated
// client connected to it; stream interceptors run inside the test's own.
func newEnv(t *testing.T, stream ...grpc.StreamServerInterceptor) *env {
	t.Helper()
	ctx := context.Background()
	s, err := incidentstore.New(ctx, storetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.UnaryInterceptor(asOwner(s)), grpc.ChainStreamInterceptor(append([]grpc.StreamServerInterceptor{asViewer}, stream...)...))
	New(s, pagetoken.New("test-secret")).Register(srv)
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		srv.Stop()
	})
	return &env{client: incidentv1.NewIncidentServiceClient(conn), store: s}
}

// asOwner stands in for the authenticator: each call comes from an operator of the force
// that owns the incident it names (for a create, the reporting force), so these tests run
// the handlers with authorization on, as in production. Who may do what is the business of
// authz_test.go, which installs the real authenticator.
func asOwner(s *incidentstore.Incidents) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		force, name := authtest.Peshmerga, ""
		switch r := req.(type) {
		case *incidentv1.CreateIncidentRequest:
			if f := r.GetIncident().GetReportingForce(); f != "" {
				force = f
			}
		case *incidentv1.UpdateIncidentRequest:
			name = r.GetIncident().GetName()
		case interface{ GetName() string }:
			name = r.GetName()
		}
		if name != "" {
			if d, err := s.Get(ctx, name); err == nil {
				force = d.Owner
			}
		}
		return next(auth.WithIdentity(ctx, authtest.Operator(force)), req)
	}
}

// asViewer stands in for the authenticator on streams: a viewer may watch every incident.
func asViewer(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
	return next(srv, &viewerStream{ss})
}

type viewerStream struct{ grpc.ServerStream }

func (s *viewerStream) Context() context.Context {
	return auth.WithIdentity(s.ServerStream.Context(), authtest.Viewer(authtest.IraqiArmy))
}

// ctx returns a context that ends with the test, bounded so a hung call fails the test.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// khidrJija is the seed's Khidr Jija attack as a client would report it: 18 civilians
// and Peshmerga killed or wounded, the split unknown.
func khidrJija() *incidentv1.Incident {
	return &incidentv1.Incident{
		Kind:          incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK,
		Title:         "ISIS attack on Khidr Jija, Qarachogh foothills",
		Description:   "ISIS attacked the village of Khidr Jija at the foot of Qarachogh mountain at about 22:00.",
		OccurTime:     timestamppb.New(time.Date(2021, 12, 2, 19, 0, 0, 0, time.UTC)),
		TimePrecision: typev1.TimePrecision_TIME_PRECISION_EXACT,
		Place: &typev1.Place{
			Point:     &typev1.LatLng{Latitude: 35.83, Longitude: 43.62},
			Name:      &typev1.LocalizedName{Arabic: "خضرجيجة", Sorani: "خدرجیجە", English: "Khidr Jija", Aliases: []string{"Khidirjija", "Khedr Jija"}},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR,
		},
		District:     "Makhmour",
		Governorates: []string{"Erbil", "Nineveh"},
		Perpetrator:  &incidentv1.Perpetrator{Claimed: "ISIS", Assessed: "ISIS", Confidence: incidentv1.Confidence_CONFIDENCE_HIGH},
		Casualties: &incidentv1.Casualties{Counts: []*incidentv1.CasualtyCount{{
			Sides:           []incidentv1.CasualtySide{incidentv1.CasualtySide_CASUALTY_SIDE_CIVILIAN, incidentv1.CasualtySide_CASUALTY_SIDE_PESHMERGA},
			KilledOrWounded: 18,
		}}},
		ReportingForce: "forces/peshmerga",
		Sources: []*incidentv1.Source{
			{Name: "Rudaw", Uri: "https://www.rudaw.net/english/kurdistan/03122021", PublishTime: timestamppb.New(time.Date(2021, 12, 3, 0, 0, 0, 0, time.UTC))},
			{Name: "KirkukNow"},
		},
		Notes: "Kurdish officials put the dead at 10 Peshmerga and 3 civilians.",
	}
}

// create stores in under id and fails the test if the service refuses it.
func (e *env) create(t *testing.T, id string, in *incidentv1.Incident) *incidentv1.Incident {
	t.Helper()
	resp, err := e.client.CreateIncident(testCtx(t), &incidentv1.CreateIncidentRequest{Incident: in, IncidentId: id})
	if err != nil {
		t.Fatalf("CreateIncident(%s): %v", id, err)
	}
	return resp.GetIncident()
}

// get reads one incident and fails the test if it cannot.
func (e *env) get(t *testing.T, name string) *incidentv1.Incident {
	t.Helper()
	resp, err := e.client.GetIncident(testCtx(t), &incidentv1.GetIncidentRequest{Name: name})
	if err != nil {
		t.Fatalf("GetIncident(%s): %v", name, err)
	}
	return resp.GetIncident()
}

// names lists every stored incident's name, newest first.
func (e *env) names(t *testing.T, filter string) []string {
	t.Helper()
	resp, err := e.client.ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{Filter: filter, PageSize: 500})
	if err != nil {
		t.Fatalf("ListIncidents(%q): %v", filter, err)
	}
	if resp.GetNextPageToken() != "" {
		t.Fatalf("ListIncidents(%q): more than one page", filter)
	}
	return namesOf(resp.GetIncidents())
}

func namesOf(is []*incidentv1.Incident) []string {
	out := []string{}
	for _, i := range is {
		out = append(out, i.GetName())
	}
	return out
}

// failure is what a client learns from an error status.
type failure struct {
	Code   codes.Code
	Reason string
	// Fields are the BadRequest field violations, sorted.
	Fields []string
}

// failureOf reads the code, ErrorInfo reason and BadRequest fields of err, and checks
// that the ErrorInfo names this service's domain.
func failureOf(t *testing.T, err error) failure {
	t.Helper()
	st := status.Convert(err)
	f := failure{Code: st.Code()}
	if err == nil {
		return f
	}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			f.Reason = d.GetReason()
			if d.GetDomain() != errorDomain {
				t.Errorf("ErrorInfo.domain = %q, want %q", d.GetDomain(), errorDomain)
			}
		case *errdetails.BadRequest:
			for _, fv := range d.GetFieldViolations() {
				f.Fields = append(f.Fields, fv.GetField())
				if fv.GetDescription() == "" {
					t.Errorf("violation of %s has no description", fv.GetField())
				}
			}
		}
	}
	slices.Sort(f.Fields)
	return f
}

func (f failure) equal(g failure) bool {
	return f.Code == g.Code && f.Reason == g.Reason && slices.Equal(f.Fields, g.Fields)
}

// invalid is the failure of a request with bad fields.
func invalid(fields ...string) failure {
	slices.Sort(fields)
	return failure{Code: codes.InvalidArgument, Reason: "INVALID_ARGUMENT", Fields: fields}
}

// sameMessage fails the test when got and want differ, showing both.
func sameMessage(t *testing.T, what string, got, want proto.Message) {
	t.Helper()
	if !proto.Equal(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, protojson.Format(got), protojson.Format(want))
	}
}
