package handler

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// decisionFromProto converts the client-writable fields of a decision.
func decisionFromProto(in *meetingv1.Decision) domain.Decision {
	return domain.Decision{
		Text:      in.GetText(),
		Kind:      in.GetKind().String(),
		Zones:     in.GetZones(),
		Units:     in.GetUnits(),
		Incidents: in.GetIncidents(),
	}
}

// decisionToProto converts a stored decision to its API form.
func decisionToProto(d *meetingstore.DecisionDoc) *meetingv1.Decision {
	b := d.Body
	out := &meetingv1.Decision{
		Name:           d.Name,
		Text:           b.Text,
		Kind:           meetingv1.DecisionKind(meetingv1.DecisionKind_value[b.Kind]),
		Zones:          b.Zones,
		Units:          b.Units,
		Incidents:      b.Incidents,
		RequiredForces: b.RequiredForces,
		Binding:        b.Binding,
		BindingTime:    optionalTime(b.BindingTime),
		CreateTime:     timestamppb.New(d.CreateTime),
		UpdateTime:     timestamppb.New(d.UpdateTime),
		Etag:           d.Etag,
	}
	for _, a := range b.Acknowledgements {
		out.Acknowledgements = append(out.Acknowledgements, &meetingv1.Acknowledgement{
			Force: a.Force, Person: a.Person, AcknowledgeTime: timestamppb.New(a.Time), Note: a.Note})
	}
	return out
}
