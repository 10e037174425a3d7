package apperr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestToStatus(t *testing.T) {
	var v Violations
	v.Add("incident.title", "is required")
	v.Append("incident.place", []Violation{{Field: "point.latitude", Description: "must be in [-90, 90]"}})
	tests := []struct {
		name       string
		err        error
		wantCode   codes.Code
		wantReason string
		wantFields []string
		wantMsg    string
	}{
		{"violations", v.Err(), codes.InvalidArgument, "INVALID_ARGUMENT",
			[]string{"incident.title", "incident.place.point.latitude"}, "the request has invalid fields"},
		{"not found", NotFound("incidents/x"), codes.NotFound, "RESOURCE_NOT_FOUND", nil, "incidents/x not found"},
		{"etag", EtagMismatch("incidents/x"), codes.Aborted, "ETAG_MISMATCH", nil, ""},
		{"wrapped domain error", fmt.Errorf("store: %w", AlreadyExists("incidents/x")), codes.AlreadyExists, "RESOURCE_ALREADY_EXISTS", nil, ""},
		{"internal hides cause", errors.New("mongo: connection refused at 10.0.0.1"), codes.Internal, "INTERNAL", nil, "internal error"},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), codes.DeadlineExceeded, "DEADLINE_EXCEEDED", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := status.Convert(ToStatus(tt.err, "tansiq.test"))
			if st.Code() != tt.wantCode {
				t.Fatalf("code = %v, want %v", st.Code(), tt.wantCode)
			}
			if tt.wantMsg != "" && st.Message() != tt.wantMsg {
				t.Errorf("message = %q, want %q", st.Message(), tt.wantMsg)
			}
			var gotReason string
			var gotFields []string
			for _, d := range st.Details() {
				switch d := d.(type) {
				case *errdetails.ErrorInfo:
					gotReason = d.GetReason()
					if d.GetDomain() != "tansiq.test" {
						t.Errorf("domain = %q", d.GetDomain())
					}
				case *errdetails.BadRequest:
					for _, fv := range d.GetFieldViolations() {
						gotFields = append(gotFields, fv.GetField())
					}
				}
			}
			if gotReason != tt.wantReason {
				t.Errorf("reason = %q, want %q", gotReason, tt.wantReason)
			}
			if fmt.Sprint(gotFields) != fmt.Sprint(tt.wantFields) {
				t.Errorf("fields = %v, want %v", gotFields, tt.wantFields)
			}
		})
	}
}

func TestViolationsErrNilWhenEmpty(t *testing.T) {
	var v Violations
	if err := v.Err(); err != nil {
		t.Fatalf("Err() = %v, want nil", err)
	}
}

func TestWrappedDownstreamStatusDoesNotLeak(t *testing.T) {
	downstream := status.Error(codes.Unavailable, "connection refused to 10.1.2.3:7002")
	st := status.Convert(ToStatus(Unavailable("forces service", downstream), "tansiq.meeting"))
	if st.Code() != codes.Unavailable || st.Message() != "forces service is unavailable: retry later" {
		t.Fatalf("got %v %q; want UNAVAILABLE without the downstream text", st.Code(), st.Message())
	}
	st = status.Convert(ToStatus(fmt.Errorf("lookup: %w", downstream), "tansiq.meeting"))
	if st.Code() != codes.Internal || st.Message() != "internal error" {
		t.Fatalf("wrapped status: %v %q; want INTERNAL without text", st.Code(), st.Message())
	}
	if got := ToStatus(downstream, "x"); got != downstream {
		t.Fatalf("a bare status must pass through unchanged")
	}
}

// TestNotFoundEchoesLittle repeats the second half of row 10: a 100,000-character name
// came back whole in NOT_FOUND.
func TestNotFoundEchoesLittle(t *testing.T) {
	e := NotFound("incidents/" + strings.Repeat("ع", 100000))
	if len(e.Message) > 300 || len(e.Metadata["resource"]) > 300 {
		t.Errorf("NOT_FOUND repeats %d bytes of the name", len(e.Message))
	}
}
