package handler

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// The scenario's forces, people and units.
const (
	army         = "forces/iraqi-army"
	pesh         = "forces/peshmerga"
	jamal        = "forces/peshmerga/people/jamal-mohammed-omar"
	shammari     = "forces/iraqi-army/people/abdul-amir-al-shammari"
	ninevehCmdr  = "forces/iraqi-army/people/nineveh-operations-commander"
	wNinevehCmdr = "forces/iraqi-army/people/west-nineveh-operations-commander"
	sirwan       = "forces/peshmerga/people/sirwan-barzani"
	brigade      = "forces/iraqi-army/units/makhmour-sector-brigade"
	front        = "forces/peshmerga/units/makhmour-front"
)

// call is one directory call as the fake saw it.
type call struct {
	Method string
	Names  []string
	// Deadline is how long the call had left when it arrived.
	Deadline time.Duration
}

// fakeDirectory is a Directory whose answers a test sets through its function fields; left
// nil, it knows the scenario's people and units. It records every call.
type fakeDirectory struct {
	people, units func(ctx context.Context, names []string) (map[string]domain.Member, []string, error)
	mu            sync.Mutex
	calls         []call
}

var known = []string{jamal, shammari, ninevehCmdr, wNinevehCmdr, sirwan, brigade, front}

// lookupKnown answers from the scenario: each known name is in the force its name says.
func lookupKnown(_ context.Context, names []string) (map[string]domain.Member, []string, error) {
	found, missing := map[string]domain.Member{}, []string{}
	for _, n := range names {
		if slices.Contains(known, n) {
			found[n] = domain.Member{Name: n, Force: domain.ForceOf(n)}
		} else {
			missing = append(missing, n)
		}
	}
	return found, missing, nil
}

func (f *fakeDirectory) record(ctx context.Context, method string, names []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := call{Method: method, Names: slices.Clone(names)}
	if d, ok := ctx.Deadline(); ok {
		c.Deadline = time.Until(d)
	}
	f.calls = append(f.calls, c)
}

func (f *fakeDirectory) People(ctx context.Context, names []string) (map[string]domain.Member, []string, error) {
	f.record(ctx, "People", names)
	if f.people != nil {
		return f.people(ctx, names)
	}
	return lookupKnown(ctx, names)
}

func (f *fakeDirectory) Units(ctx context.Context, names []string) (map[string]domain.Member, []string, error) {
	f.record(ctx, "Units", names)
	if f.units != nil {
		return f.units(ctx, names)
	}
	return lookupKnown(ctx, names)
}

// Calls returns the calls made so far and forgets them.
func (f *fakeDirectory) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.calls
	f.calls = nil
	return out
}

// env is one in-process MeetingService over a fresh database and a fake directory.
type env struct {
	client meetingv1.MeetingServiceClient
	store  *meetingstore.Store
	dir    *fakeDirectory
	h      *Handler
	clock  atomic.Pointer[time.Time]
}

// Metadata keys the test server turns into the caller's identity, as the authenticator
// would from a verified token.
const (
	mdSubject = "x-test-subject"
	mdForce   = "x-test-force"
	mdRole    = "x-test-role"
)

// identify puts the identity a test call claims into the context. A call that claims none
// comes from an operator of the force that owns the meeting it names (for a new meeting,
// its host force), so the tests run the handlers with authorization on, as in production;
// who may do what is the business of authz_test.go, which installs the real authenticator.
func (e *env) identify(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	id := auth.Identity{Role: auth.RoleOperator}
	if s := md.Get(mdSubject); len(s) == 1 {
		id.Subject = s[0]
		if f := md.Get(mdForce); len(f) == 1 {
			id.Force = f[0]
		}
		if r := md.Get(mdRole); len(r) == 1 {
			id.Role = auth.Role(r[0])
		}
	} else {
		id.Force = e.ownerOf(ctx, req)
		id.Subject = id.Force + "/people/test-operator"
	}
	return h(auth.WithIdentity(ctx, id), req)
}

// ownerOf is the force owning the meeting a request names, or its host force for a new
// one; the Iraqi army when there is none.
func (e *env) ownerOf(ctx context.Context, req any) string {
	var name string
	switch r := req.(type) {
	case *meetingv1.CreateMeetingRequest:
		if f := r.GetMeeting().GetHostForce(); f != "" {
			return f
		}
	case *meetingv1.UpdateMeetingRequest:
		name = r.GetMeeting().GetName()
	case *meetingv1.UpdateActionItemRequest:
		name = r.GetActionItem().GetName()
	case interface{ GetParent() string }:
		name = r.GetParent()
	case interface{ GetName() string }:
		name = r.GetName()
	}
	parts := strings.SplitN(name, "/", 3)
	if len(parts) >= 2 && parts[0] == "meetings" {
		if d, err := e.store.Meetings.Get(ctx, parts[0]+"/"+parts[1]); err == nil {
			return d.Owner
		}
	}
	return army
}

// newEnv serves a Handler over bufconn on its own database and returns a generated
// client connected to it. The handler's clock is the real one until setNow.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, storetest.DB(t), store.Timing{})
}

// newEnvOn is newEnv on db, with the store's followers timed by timing: two envs on one
// database are two replicas of the service.
func newEnvOn(t *testing.T, db *mongo.Database, timing store.Timing) *env {
	t.Helper()
	s := meetingstore.New(db)
	for _, c := range []interface {
		Tune(store.Timing)
		Close(context.Context)
	}{s.Meetings, s.Decisions, s.ActionItems} {
		c.Tune(timing)
		t.Cleanup(func() { c.Close(context.Background()) })
	}
	e := &env{store: s, dir: &fakeDirectory{}}
	e.h = New(s, e.dir, pagetoken.New("test-secret"))
	e.h.now = func() time.Time {
		if t := e.clock.Load(); t != nil {
			return *t
		}
		return time.Now()
	}
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.UnaryInterceptor(e.identify))
	e.h.Register(srv)
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
	e.client = meetingv1.NewMeetingServiceClient(conn)
	return e
}

// setNow fixes the handler's clock.
func (e *env) setNow(t time.Time) { e.clock.Store(&t) }

// testCtx returns a context that ends with the test, bounded so a hung call fails the test.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// as returns ctx for a call by person speaking for force.
func as(ctx context.Context, force, person string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, mdSubject, person, mdForce, force)
}

// asRole returns ctx for a call by person, with role, speaking for force ("" for none).
func asRole(ctx context.Context, force, person string, role auth.Role) context.Context {
	return metadata.AppendToOutgoingContext(ctx, mdSubject, person, mdForce, force, mdRole, string(role))
}

// makhmour is the seed's meeting as a client would record it, held on 6 December 2021.
func makhmour() *meetingv1.Meeting {
	return &meetingv1.Meeting{
		Title:   "High-level security meeting on the areas of shared security interest",
		Purpose: "Security coordination in the areas of shared security interest and cooperation to confront ISIS.",
		Place: &typev1.Place{
			Point:     &typev1.LatLng{Latitude: 35.7756, Longitude: 43.5794},
			Name:      &typev1.LocalizedName{Arabic: "مخمور", Sorani: "مەخموور", English: "Makhmour", Aliases: []string{"Makhmur", "Mexmûr"}},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR,
		},
		StartTime: timestamppb.New(time.Date(2021, 12, 6, 7, 0, 0, 0, time.UTC)),
		Level:     meetingv1.MeetingLevel_MEETING_LEVEL_HIGH_LEVEL,
		HostForce: army,
		Attendees: []*meetingv1.Attendee{
			{Person: jamal, Force: pesh, Role: "Peshmerga chief of staff", DisplayName: "Jamal Mohammed Omar"},
			{Person: shammari, Force: army, Role: "JOC deputy commander", DisplayName: "Abdul Amir al-Shammari"},
			{Person: ninevehCmdr, Force: army, Role: "Nineveh Operations commander"},
			{Person: wNinevehCmdr, Force: army, Role: "West Nineveh Operations commander"},
		},
		AgendaItems: []*meetingv1.AgendaItem{{Title: "Security coordination in the areas of shared security interest"}},
		Outcome:     "Agreed to coordinate security in the areas of shared security interest.",
	}
}

// jointDeployment is a decision on joint deployment in the disputed areas.
func jointDeployment() *meetingv1.Decision {
	return &meetingv1.Decision{
		Text:      "Deploy joint forces in the disputed areas, starting with Makhmour and Qarachogh.",
		Kind:      meetingv1.DecisionKind_DECISION_KIND_JOINT_DEPLOYMENT,
		Zones:     []string{"zones/makhmour", "zones/sinjar", "zones/kirkuk"},
		Units:     []string{brigade, front},
		Incidents: []string{"incidents/khidr-jija-attack-2021-12-02"},
	}
}

// createMeeting stores m under id and fails the test if the service refuses it.
func (e *env) createMeeting(t *testing.T, id string, m *meetingv1.Meeting) *meetingv1.Meeting {
	t.Helper()
	resp, err := e.client.CreateMeeting(testCtx(t), &meetingv1.CreateMeetingRequest{Meeting: m, MeetingId: id})
	if err != nil {
		t.Fatalf("CreateMeeting(%s): %v", id, err)
	}
	return resp.GetMeeting()
}

// heldMeeting creates the Makhmour meeting under id and holds it.
func (e *env) heldMeeting(t *testing.T, id string) *meetingv1.Meeting {
	t.Helper()
	m := e.createMeeting(t, id, makhmour())
	resp, err := e.client.HoldMeeting(testCtx(t), &meetingv1.HoldMeetingRequest{Name: m.GetName()})
	if err != nil {
		t.Fatalf("HoldMeeting(%s): %v", id, err)
	}
	return resp.GetMeeting()
}

// createDecision records d in meeting under id and fails the test if the service refuses it.
func (e *env) createDecision(t *testing.T, meeting, id string, d *meetingv1.Decision) *meetingv1.Decision {
	t.Helper()
	resp, err := e.client.CreateDecision(testCtx(t), &meetingv1.CreateDecisionRequest{Parent: meeting, Decision: d, DecisionId: id})
	if err != nil {
		t.Fatalf("CreateDecision(%s/%s): %v", meeting, id, err)
	}
	return resp.GetDecision()
}

// getMeeting reads one meeting and fails the test if it cannot.
func (e *env) getMeeting(t *testing.T, name string) *meetingv1.Meeting {
	t.Helper()
	resp, err := e.client.GetMeeting(testCtx(t), &meetingv1.GetMeetingRequest{Name: name})
	if err != nil {
		t.Fatalf("GetMeeting(%s): %v", name, err)
	}
	return resp.GetMeeting()
}

// stored counts the meetings, decisions and action items, to check that a refused call
// stored nothing.
func (e *env) stored(t *testing.T) [3]int64 {
	t.Helper()
	var out [3]int64
	for i, c := range []*mongo.Collection{e.store.Meetings.Mongo(), e.store.Decisions.Mongo(), e.store.ActionItems.Mongo()} {
		n, err := c.CountDocuments(testCtx(t), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = n
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
