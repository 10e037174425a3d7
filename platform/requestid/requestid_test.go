package requestid

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/reqcheck"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestRequestIDsAreScopedToTheCaller repeats issue 13, row 7 at the interceptor: the same
// request_id from two forces must reach the handler (and the store) as two ids, and the
// same caller's retry as the same id, in a form the handler's check accepts.
func TestRequestIDsAreScopedToTheCaller(t *testing.T) {
	pesh := auth.Identity{Subject: "forces/peshmerga/people/jamal", Force: "forces/peshmerga", Role: auth.RoleOperator}
	army := auth.Identity{Subject: "forces/iraqi-army/people/shammari", Force: "forces/iraqi-army", Role: auth.RoleOperator}
	seen := func(id auth.Identity, requestID string) string {
		var got string
		h := func(_ context.Context, req any) (any, error) {
			got = req.(*incidentv1.CreateIncidentRequest).GetRequestId()
			return nil, nil
		}
		req := &incidentv1.CreateIncidentRequest{RequestId: requestID}
		if _, err := Unary()(auth.WithIdentity(context.Background(), id), proto.Clone(req), &grpc.UnaryServerInfo{}, h); err != nil {
			t.Fatal(err)
		}
		return got
	}
	a, b, again := seen(pesh, "report-1"), seen(army, "report-1"), seen(pesh, "report-1")
	if a == b {
		t.Errorf("two forces' request_id %q is stored as the same id %q", "report-1", a)
	}
	if a != again {
		t.Errorf("a retry by the same caller is stored as %q, then %q", a, again)
	}
	var v apperr.Violations
	reqcheck.RequestID(&v, a)
	if err := v.Err(); err != nil {
		t.Errorf("scoped id %q fails the request_id check: %v", a, err)
	}
	if got := seen(pesh, ""); got != "" {
		t.Errorf("an empty request_id became %q", got)
	}
	if got := seen(pesh, "no spaces allowed"); got != "no spaces allowed" {
		t.Errorf("a malformed request_id became %q, hiding it from the handler's check", got)
	}
}
