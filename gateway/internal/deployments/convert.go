package deployments

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// fromProto converts the client-writable fields of a deployment.
func fromProto(d *gatewayv1.Deployment) Deployment {
	out := Deployment{
		Title:     d.GetTitle(),
		Zone:      d.GetZone(),
		Units:     d.GetUnits(),
		LeadForce: d.GetLeadForce(),
		Mandate:   d.GetMandate(),
		Notes:     d.GetNotes(),
		Forces:    forcesOf(d.GetUnits()),
	}
	if d.GetCommandPost() != nil {
		cp := place.PlaceFromProto(d.GetCommandPost())
		out.CommandPost = &cp
	}
	// Checked by validateProposal already.
	out.Area = readArea(&apperr.Violations{}, "", d)
	var end time.Time
	if d.GetEndTime() != nil {
		end = reqcheck.Stored(d.GetEndTime().AsTime())
	}
	out.SetWindow(reqcheck.Stored(d.GetStartTime().AsTime()), end)
	return out
}

// ToProto converts a stored deployment to its API form, its state as read at now.
func ToProto(d *Doc, now time.Time) *gatewayv1.Deployment {
	b := d.Body
	out := &gatewayv1.Deployment{
		Name:           d.Name,
		Title:          b.Title,
		Zone:           b.Zone,
		Units:          b.Units,
		LeadForce:      b.LeadForce,
		StartTime:      timestamppb.New(b.StartTime),
		Mandate:        b.Mandate,
		Notes:          b.Notes,
		ProposingForce: b.ProposingForce,
		Forces:         b.Forces,
		State:          gatewayv1.DeploymentState(gatewayv1.DeploymentState_value[b.StateAt(now)]),
		StateReason:    b.StateReason,
		CreateTime:     timestamppb.New(d.CreateTime),
		UpdateTime:     timestamppb.New(d.UpdateTime),
		Etag:           d.Etag,
	}
	if b.CommandPost != nil {
		out.CommandPost = b.CommandPost.ToProto()
	}
	if b.Area != nil {
		out.Area = b.Area.toProto()
	}
	if !b.EndTime.IsZero() {
		out.EndTime = timestamppb.New(b.EndTime)
	}
	if !b.ActivateTime.IsZero() {
		out.ActivateTime = timestamppb.New(b.ActivateTime)
	}
	for _, a := range b.Acknowledgements {
		out.Acknowledgements = append(out.Acknowledgements, &gatewayv1.DeploymentAcknowledgement{
			Force: a.Force, Person: a.Person, AcknowledgeTime: timestamppb.New(a.Time), Note: a.Note})
	}
	return out
}

// ForCoverage returns a stored deployment as the coverage computations take it. Only a
// deployment every force acknowledged covers its zone: ACTIVE over its window, ENDED up
// to the time it was ended (its end_time, which EndDeployment sets).
func ForCoverage(d *Doc) assess.Deployment {
	b := d.Body
	out := assess.Deployment{Name: d.Name, ZoneID: b.Zone, Start: b.StartTime, End: b.EndTime, HasArea: b.Area != nil}
	switch b.State {
	case StateProposed:
		out.State = assess.DeploymentProposed
	case StateActive:
		out.State = assess.DeploymentActive
	case StateEnded:
		out.State, out.EndedAt = assess.DeploymentEnded, b.EndTime
	case StateCancelled:
		out.State = assess.DeploymentCancelled
	}
	return out
}

// InForce reports whether every force acknowledged d and it was not cancelled: it
// covered its zone over its window (ACTIVE, or ENDED after it was active).
func InForce(d *Doc) bool {
	return d.Body.State == StateActive || d.Body.State == StateEnded
}

func stateOf(name string) gatewayv1.DeploymentState {
	return gatewayv1.DeploymentState(gatewayv1.DeploymentState_value[name])
}

// overlapToProto returns an overlap's times; the end is nil when open.
func overlapToProto(w Window) (*timestamppb.Timestamp, *timestamppb.Timestamp) {
	var end *timestamppb.Timestamp
	if !w.End.IsZero() {
		end = timestamppb.New(w.End)
	}
	return timestamppb.New(w.Start), end
}
