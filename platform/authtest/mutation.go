package authtest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/auth"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

// Absent is what a Mutation's State reports for a record that does not exist.
const Absent = "absent"

// Mutation is one mutating RPC, set up against one record, to hold to the per-force rules.
type Mutation struct {
	// Method is the full method name the audit trail records: "/pkg.Service/Method".
	Method string
	// Owner is the force that owns the record Call changes, or will own the one it creates.
	Owner string
	// Call makes the call with ctx, which carries the caller's token if it has one. Every
	// caller makes the same call, so a request_id in it is shared too: a refused call must
	// not consume it.
	Call func(ctx context.Context) error
	// State reads back what Call would change, with ctx of a reader who may see it: the
	// record's etag, or Absent. An allowed call must change it; a refused one must not.
	State func(ctx context.Context) (string, error)
	// Attempts replaces Server.Attempts(Owner), for records whose rules differ, such as
	// joint records that each force acknowledges for itself.
	Attempts []Attempt
}

// Attempt is one caller trying a Mutation, and what the caller and the audit trail must show.
type Attempt struct {
	// Caller says who calls, for the subtest's name.
	Caller string
	// Token is what the call carries; "" for none.
	Token string
	// Code and Reason (google.rpc.ErrorInfo) are what the caller must get.
	Code   codes.Code
	Reason string
	// Actor is who the audit record must name: the token's identity, or no one.
	Actor auth.Identity
}

// Attempts are the callers a change to a record owned by owner is tried by: those that
// must be refused first (another force's operator and commander, the owner's viewer, a
// service on its own behalf, no token, an expired token, a token signed by an untrusted
// key), and last the owner's operator, who must succeed.
func (s *Server) Attempts(t testing.TB, owner string) []Attempt {
	t.Helper()
	other := OtherForce(owner)
	return append([]Attempt{
		s.Refused(t, Operator(other), auth.ReasonOtherForce),
		s.Refused(t, Commander(other), auth.ReasonOtherForce),
		s.Refused(t, Viewer(owner), auth.ReasonReadOnlyRole),
		s.Refused(t, Service(), auth.ReasonReadOnlyRole),
	}, append(s.Unauthenticated(t, Operator(owner)), s.Allowed(t, Operator(owner)))...)
}

// Allowed is id, with a good token, making a call that must succeed.
func (s *Server) Allowed(t testing.TB, id auth.Identity) Attempt {
	t.Helper()
	return Attempt{describe(id), s.Keys.Token(t, id), codes.OK, "", id}
}

// Refused is id, with a good token, making a call that must be PERMISSION_DENIED for reason.
func (s *Server) Refused(t testing.TB, id auth.Identity, reason string) Attempt {
	t.Helper()
	return Attempt{describe(id), s.Keys.Token(t, id), codes.PermissionDenied, reason, id}
}

// Unauthenticated are the calls refused before anyone is identified: no token, an expired
// token for id, and a token for id signed by a key the server does not trust.
func (s *Server) Unauthenticated(t testing.TB, id auth.Identity) []Attempt {
	t.Helper()
	anonymous := auth.Identity{Subject: "anonymous"}
	return []Attempt{
		{"no token", "", codes.Unauthenticated, "TOKEN_MISSING", anonymous},
		{"expired token", s.Keys.ExpiredToken(t, id), codes.Unauthenticated, "TOKEN_EXPIRED", anonymous},
		{"token signed by another key", s.Keys.StrangerToken(t, id), codes.Unauthenticated, "TOKEN_INVALID", anonymous},
	}
}

// describe names a caller for a subtest: "operator of forces/peshmerga".
func describe(id auth.Identity) string {
	if id.Force == "" {
		return string(id.Role) + " " + id.Subject
	}
	return string(id.Role) + " of " + id.Force
}

// CheckMutation tries m with each of its attempts in turn (by default Attempts(m.Owner)).
// Each refused caller must get its code and reason and leave State as it was; each allowed
// one must succeed and change it. Then the audit trail must hold one record per attempt, in order, naming the
// caller, the decision, the status and the reason.
func (s *Server) CheckMutation(t *testing.T, m Mutation) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reader := s.As(t, ctx, Viewer(m.Owner))
	state := func() string {
		t.Helper()
		st, err := m.State(reader)
		if err != nil {
			t.Fatalf("%s: read back: %v", m.Method, err)
		}
		return st
	}
	filter := "method = " + strconv.Quote(m.Method)
	// The trail is read by a service, which reads every record; a viewer reads only its
	// own force's (auth.AuditScope).
	auditor := s.As(t, ctx, Service())
	before := len(s.auditRecords(t, auditor, filter))
	attempts := m.Attempts
	if attempts == nil {
		attempts = s.Attempts(t, m.Owner)
	}
	for _, a := range attempts {
		t.Run(a.Caller, func(t *testing.T) {
			was := state()
			call := ctx
			if a.Token != "" {
				call = auth.WithBearer(ctx, a.Token)
			}
			err := m.Call(call)
			code, reason := codeAndReason(err)
			if code != a.Code || reason != a.Reason {
				t.Fatalf("%s as %s: got %v %q (%v), want %v %q", m.Method, a.Caller, code, reason, err, a.Code, a.Reason)
			}
			now := state()
			switch {
			case a.Code == codes.OK && now == was:
				t.Errorf("%s as %s succeeded but the record still reads %q", m.Method, a.Caller, now)
			case a.Code != codes.OK && now != was:
				t.Errorf("%s as %s was refused but changed the record: %q, was %q", m.Method, a.Caller, now, was)
			}
		})
	}

	var got, want []string
	for _, r := range s.auditRecords(t, auditor, filter)[before:] {
		got = append(got, fmt.Sprintf("%s|%s|%v|%v|%s|%s|%s", r.GetActor(), r.GetActorForce(), r.GetActorRole(),
			r.GetDecision(), r.GetStatusCode(), r.GetReason(), r.GetRecordedBy()))
	}
	for _, a := range attempts {
		decision := auditv1.AuditDecision_AUDIT_DECISION_DENIED
		if a.Code == codes.OK {
			decision = auditv1.AuditDecision_AUDIT_DECISION_ALLOWED
		}
		want = append(want, fmt.Sprintf("%s|%s|%v|%v|%s|%s|%s", a.Actor.Subject, a.Actor.Force, callerRole(a.Actor.Role),
			decision, a.Code, a.Reason, s.Name))
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit records of %s (actor|force|role|decision|status|reason|recorded by):\n got %q\nwant %q", m.Method, got, want)
	}
}

// auditRecords lists the server's audit records matching filter, oldest first.
func (s *Server) auditRecords(t testing.TB, ctx context.Context, filter string) []*auditv1.AuditRecord {
	t.Helper()
	var out []*auditv1.AuditRecord
	req := &auditv1.ListAuditRecordsRequest{Filter: filter, OrderBy: "event_time", PageSize: 100}
	for {
		resp, err := s.Audit.ListAuditRecords(ctx, req)
		if err != nil {
			t.Fatalf("ListAuditRecords(%s): %v", filter, err)
		}
		out = append(out, resp.GetAuditRecords()...)
		if resp.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

func codeAndReason(err error) (codes.Code, string) {
	st := status.Convert(err)
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return st.Code(), ei.GetReason()
		}
	}
	return st.Code(), ""
}

func callerRole(r auth.Role) auditv1.CallerRole {
	switch r {
	case auth.RoleViewer:
		return auditv1.CallerRole_CALLER_ROLE_VIEWER
	case auth.RoleOperator:
		return auditv1.CallerRole_CALLER_ROLE_OPERATOR
	case auth.RoleCommander:
		return auditv1.CallerRole_CALLER_ROLE_COMMANDER
	case auth.RoleService:
		return auditv1.CallerRole_CALLER_ROLE_SERVICE
	}
	return auditv1.CallerRole_CALLER_ROLE_UNSPECIFIED
}
