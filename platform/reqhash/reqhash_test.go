package reqhash

import (
	"strings"
	"testing"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

func TestEqualButForRequestIDHashAlike(t *testing.T) {
	a := &incidentv1.ConfirmIncidentRequest{Name: "incidents/a", Etag: "e1", RequestId: "r1"}
	b := &incidentv1.ConfirmIncidentRequest{Name: "incidents/a", Etag: "e1", RequestId: "r2"}
	if Of(a) != Of(b) {
		t.Fatalf("requests differing only in request_id hash apart: %s vs %s", Of(a), Of(b))
	}
	if a.GetRequestId() != "r1" {
		t.Fatalf("Of changed its argument: request_id %q", a.GetRequestId())
	}
	c := &incidentv1.ConfirmIncidentRequest{Name: "incidents/a", Etag: "e2", RequestId: "r1"}
	if Of(a) == Of(c) {
		t.Fatalf("requests with different etags hash alike: %s", Of(a))
	}
	if Of(a) != Of(copyOf(a)) {
		t.Fatal("the digest of one request is not stable")
	}
}

func TestUnhashableRequestsNeverHashAlike(t *testing.T) {
	// A string field that is not UTF-8 cannot be marshalled.
	bad := &incidentv1.ConfirmIncidentRequest{Name: "incidents/\xff", RequestId: "r1"}
	x, y := Of(bad), Of(bad)
	if !strings.HasPrefix(x, unhashablePrefix) {
		t.Fatalf("digest of an invalid message is %q, want the %q prefix", x, unhashablePrefix)
	}
	if x == y {
		t.Fatalf("two unhashable requests hash alike: %q", x)
	}
	good := &incidentv1.ConfirmIncidentRequest{Name: "incidents/a", RequestId: "r1"}
	if Of(good) == x {
		t.Fatal("an unhashable request hashes like a valid one")
	}
}

// copyOf returns a fresh copy of r, so that equality is not identity.
func copyOf(r *incidentv1.ConfirmIncidentRequest) *incidentv1.ConfirmIncidentRequest {
	return &incidentv1.ConfirmIncidentRequest{Name: r.GetName(), Etag: r.GetEtag(), RequestId: r.GetRequestId()}
}
