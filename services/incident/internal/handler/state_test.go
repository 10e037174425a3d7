package handler

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

const (
	reported  = incidentv1.IncidentState_INCIDENT_STATE_REPORTED
	confirmed = incidentv1.IncidentState_INCIDENT_STATE_CONFIRMED
	closed    = incidentv1.IncidentState_INCIDENT_STATE_CLOSED
)

// step is one state-changing call; etag is the current etag of the incident.
type step func(ctx context.Context, c incidentv1.IncidentServiceClient, name, etag string) (*incidentv1.Incident, error)

func confirm(requestID string, withEtag bool) step {
	return func(ctx context.Context, c incidentv1.IncidentServiceClient, name, etag string) (*incidentv1.Incident, error) {
		if !withEtag {
			etag = ""
		}
		resp, err := c.ConfirmIncident(ctx, &incidentv1.ConfirmIncidentRequest{Name: name, Etag: etag, RequestId: requestID})
		return resp.GetIncident(), err
	}
}

func closeWith(requestID string, withEtag bool) step {
	return func(ctx context.Context, c incidentv1.IncidentServiceClient, name, etag string) (*incidentv1.Incident, error) {
		if !withEtag {
			etag = ""
		}
		resp, err := c.CloseIncident(ctx, &incidentv1.CloseIncidentRequest{Name: name, Etag: etag, Reason: "duplicate of another report", RequestId: requestID})
		return resp.GetIncident(), err
	}
}

// staleEtag runs s with an etag that was never the incident's.
func staleEtag(s step) step {
	return func(ctx context.Context, c incidentv1.IncidentServiceClient, name, _ string) (*incidentv1.Incident, error) {
		return s(ctx, c, name, "00000000000000000000")
	}
}

// renamed runs s on another name.
func renamed(s step, name string) step {
	return func(ctx context.Context, c incidentv1.IncidentServiceClient, _, etag string) (*incidentv1.Incident, error) {
		return s(ctx, c, name, etag)
	}
}

func TestStateChanges(t *testing.T) {
	wrongState := failure{Code: codes.FailedPrecondition, Reason: "WRONG_STATE"}
	reused := failure{Code: codes.InvalidArgument, Reason: "REQUEST_ID_REUSED", Fields: []string{"request_id"}}
	tests := []struct {
		name string
		// before brings a new incident to its starting state; then last is called.
		before []step
		last   step
		want   failure
		// wantState is the state after last, whether it failed or not.
		wantState incidentv1.IncidentState
	}{
		{"confirm reported", nil, confirm("", true), failure{}, confirmed},
		{"confirm without etag", nil, confirm("", false), failure{}, confirmed},
		{"confirm confirmed", []step{confirm("", true)}, confirm("", true), wrongState, confirmed},
		{"confirm closed", []step{closeWith("", true)}, confirm("", false), wrongState, closed},
		{"close reported", nil, closeWith("", true), failure{}, closed},
		{"close confirmed", []step{confirm("", true)}, closeWith("", true), failure{}, closed},
		{"close closed", []step{confirm("", true), closeWith("", true)}, closeWith("", false), wrongState, closed},
		{"confirm with stale etag", nil, staleEtag(confirm("", true)), failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}, reported},
		{"close with stale etag", []step{confirm("", true)}, staleEtag(closeWith("", true)), failure{Code: codes.Aborted, Reason: "ETAG_MISMATCH"}, confirmed},
		// A retried confirm is answered from the first result, not refused as a wrong state.
		{"confirm retried", []step{confirm("confirm-1", false)}, confirm("confirm-1", false), failure{}, confirmed},
		{"close retried", []step{confirm("", false), closeWith("close-1", false)}, closeWith("close-1", false), failure{}, closed},
		{"close retried with another etag", []step{closeWith("close-1", false)}, closeWith("close-1", true), reused, closed},
		{"confirm with a close's request_id", []step{closeWith("r-1", true)}, confirm("r-1", false), reused, closed},
		{"confirm unknown", nil, renamed(confirm("", false), "incidents/unknown"), failure{Code: codes.NotFound, Reason: "RESOURCE_NOT_FOUND"}, reported},
		{"close bad name", nil, renamed(closeWith("", false), "incidents/X"), invalid("name"), reported},
		{"confirm no name", nil, renamed(confirm("", false), ""), invalid("name"), reported},
		{"confirm bad request_id", nil, confirm("no spaces please", false), invalid("request_id"), reported},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testCtx(t)
			inc := e.create(t, "", khidrJija())
			for i, s := range tt.before {
				next, err := s(ctx, e.client, inc.GetName(), inc.GetEtag())
				if err != nil {
					t.Fatalf("before[%d]: %v", i, err)
				}
				inc = next
			}
			got, err := tt.last(ctx, e.client, inc.GetName(), inc.GetEtag())
			if f := failureOf(t, err); !f.equal(tt.want) {
				t.Fatalf("%+v, want %+v (%v)", f, tt.want, err)
			}
			stored := e.get(t, inc.GetName())
			if stored.GetState() != tt.wantState {
				t.Errorf("stored state %v, want %v", stored.GetState(), tt.wantState)
			}
			if err == nil {
				sameMessage(t, "response vs stored", got, stored)
			} else if stored.GetEtag() != inc.GetEtag() {
				t.Errorf("a refused change wrote: etag %q, was %q", stored.GetEtag(), inc.GetEtag())
			}
		})
	}
}
