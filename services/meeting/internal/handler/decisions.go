package handler

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// decisionSchema is the filter ListDecisions accepts, as its request documents.
var decisionSchema = filter.Schema{
	"kind":           {Type: filter.Enum, Values: filter.EnumNames(meetingv1.DecisionKind_name)},
	"binding":        {Type: filter.Enum, Values: []string{"true", "false"}},
	"zone":           {Type: filter.String},
	"unit":           {Type: filter.String},
	"incident":       {Type: filter.String},
	"awaiting_force": {Type: filter.String},
}

// CreateDecision records a decision of a held meeting once the forces service confirms the
// units it names; it needs the acknowledgement of every force it names.
//
// The meeting must be held when the decision is committed: that is checked inside the
// decisions' compare-and-swap, on the meeting as this process's cache holds it after
// reading the meetings' log forward. The two are different collections and the store has
// no transactions, so a CloseMeeting committed in the few milliseconds between that read
// and the decision's commit still lets the decision in: it was taken while the meeting was
// held, and the meeting's record is complete with it.
func (h *Handler) CreateDecision(ctx context.Context, req *meetingv1.CreateDecisionRequest) (*meetingv1.CreateDecisionResponse, error) {
	d, err := h.createDecision(ctx, req)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.CreateDecisionResponse{Decision: decisionToProto(d)}, nil
}

func (h *Handler) createDecision(ctx context.Context, req *meetingv1.CreateDecisionRequest) (*meetingstore.DecisionDoc, error) {
	var v apperr.Violations
	resname.Check(&v, "parent", req.GetParent(), resname.Meeting)
	validateDecision(&v, "decision", req.GetDecision())
	resname.CheckID(&v, "decision_id", req.GetDecisionId())
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash := reqhash.Of(req)
	if prior, err := priorCreate(ctx, h.decisions.Collection, req.GetRequestId(), hash); err != nil || prior != nil {
		return prior, err
	}
	m, err := h.meetings.Get(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	name := newName(m.Name+"/decisions", req.GetDecisionId(), "d")
	// The meeting's host force records its decisions (and owns them); every force the
	// decision names then acknowledges it for itself.
	if err := access.Change(ctx, name, m.Owner); err != nil {
		return nil, err
	}
	if err := m.Body.CheckDecidable(); err != nil {
		return nil, err
	}
	dec := decisionFromProto(req.GetDecision())
	if err := h.checkUnits(ctx, "decision.units", dec.Units); err != nil {
		return nil, err
	}
	return h.decisions.CreateChecked(ctx, &meetingstore.DecisionDoc{
		Name: name, Owner: m.Owner, RequestID: req.GetRequestId(), RequestHash: hash,
		Body: domain.NewDecision(m.Name, &m.Body, dec),
	}, func(ctx context.Context) error {
		// The forces service took time to answer: is the meeting still held?
		if _, err := h.meetings.CurrentSeq(ctx); err != nil {
			return err
		}
		now, err := h.meetings.Get(ctx, m.Name)
		if err != nil {
			return err
		}
		return now.Body.CheckDecidable()
	})
}

// GetDecision returns one decision.
func (h *Handler) GetDecision(ctx context.Context, req *meetingv1.GetDecisionRequest) (*meetingv1.GetDecisionResponse, error) {
	d, err := get(ctx, h.decisions.Collection, req.GetName(), resname.Decision)
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.GetDecisionResponse{Decision: decisionToProto(d)}, nil
}

// ListDecisions lists the decisions of one meeting or of all, in the order asked (newest
// first by default), a page at a time.
func (h *Handler) ListDecisions(ctx context.Context, req *meetingv1.ListDecisionsRequest) (*meetingv1.ListDecisionsResponse, error) {
	var v apperr.Violations
	meeting := req.GetParent()
	switch {
	case meeting == domain.AllMeetings:
		meeting = ""
	case !resname.Matches(resname.Meeting, meeting):
		v.Add("parent", `must look like "meetings/{meeting}" or be "meetings/-"`)
	}
	flt, err := decisionSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	order := listOrder(&v, req.GetOrderBy(), meetingstore.DecisionSorts)
	query := pageQuery(req.GetParent(), req.GetFilter(), order.OrderBy)
	size, from := pageRequest(h, &v, query, req.GetPageSize(), req.GetPageToken())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	docs, err := h.decisions.List(ctx, meeting, flt, order, from, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	docs, token, err := nextPage(ctx, h, query, docs, size, order)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &meetingv1.ListDecisionsResponse{NextPageToken: token}
	for _, d := range docs {
		resp.Decisions = append(resp.Decisions, decisionToProto(d))
	}
	return resp, nil
}

// AcknowledgeDecision records the acting force's acknowledgement. Acknowledging again is a
// no-op that returns the decision as stored, with the first acknowledgement kept.
func (h *Handler) AcknowledgeDecision(ctx context.Context, req *meetingv1.AcknowledgeDecisionRequest) (*meetingv1.AcknowledgeDecisionResponse, error) {
	var v apperr.Violations
	resname.Check(&v, "name", req.GetName(), resname.Decision)
	validateText(&v, "note", req.GetNote(), false, reqcheck.MaxTextLen)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	by, at := actor(ctx), h.stamp()
	// A force acknowledges only for itself: the force is the caller's own, from its token,
	// never from the request; viewers and services acknowledge nothing. Whether that force
	// is named by the decision is the decision's rule (NOT_A_REQUIRED_FORCE).
	may := func(d *meetingstore.DecisionDoc) error { return access.Acknowledge(ctx, d.Name, by.Force) }
	d, err := h.decisions.Acknowledge(ctx, store.Change{Name: req.GetName(), RequestID: req.GetRequestId(),
		RequestHash: reqhash.Of(req), Verb: "acknowledged"}, may, func(d *meetingstore.DecisionDoc) error {
		changed, err := d.Body.Acknowledge(by, req.GetNote(), at)
		if err == nil && !changed {
			return meetingstore.ErrUnchanged
		}
		return err
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &meetingv1.AcknowledgeDecisionResponse{Decision: decisionToProto(d)}, nil
}

// validateDecision checks every field of a decision a client sends. Units are checked for
// form here and for existence with the forces service afterwards; zones and incidents
// belong to the gateway and the incident service and are checked for form only.
func validateDecision(v *apperr.Violations, p string, d *meetingv1.Decision) {
	if d == nil {
		v.Add(p, "is required")
		return
	}
	validateText(v, p+".text", d.GetText(), true, reqcheck.MaxTextLen)
	if d.GetKind() == meetingv1.DecisionKind_DECISION_KIND_UNSPECIFIED {
		v.Add(p+".kind", "is required")
	} else if _, ok := meetingv1.DecisionKind_name[int32(d.GetKind())]; !ok {
		v.Add(p+".kind", "unknown value %d", d.GetKind())
	}
	validateRefs(v, p+".zones", d.GetZones(), resname.Zone, maxRefs)
	validateRefs(v, p+".units", d.GetUnits(), resname.Unit, maxRefs)
	validateRefs(v, p+".incidents", d.GetIncidents(), resname.Incident, maxRefs)
}

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
