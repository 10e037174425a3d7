package handler

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// fromProto converts the client-writable fields of an incident.
func fromProto(in *incidentv1.Incident) domain.Incident {
	return domain.Incident{
		Kind:           in.GetKind().String(),
		Title:          in.GetTitle(),
		Description:    in.GetDescription(),
		OccurTime:      storedTime(in.GetOccurTime()),
		TimePrecision:  in.GetTimePrecision().String(),
		Place:          place.PlaceFromProto(in.GetPlace()),
		District:       in.GetDistrict(),
		Governorates:   in.GetGovernorates(),
		Perpetrator:    perpetratorFromProto(in.GetPerpetrator()),
		Casualties:     casualtiesFromProto(in.GetCasualties()),
		ReportingForce: in.GetReportingForce(),
		Sources:        sourcesFromProto(in.GetSources()),
		Notes:          in.GetNotes(),
	}
}

func perpetratorFromProto(p *incidentv1.Perpetrator) domain.Perpetrator {
	return domain.Perpetrator{Claimed: p.GetClaimed(), Assessed: p.GetAssessed(), Confidence: p.GetConfidence().String()}
}

func casualtiesFromProto(c *incidentv1.Casualties) []domain.Casualties {
	var out []domain.Casualties
	for _, n := range c.GetCounts() {
		sides := make([]string, 0, len(n.GetSides()))
		for _, s := range n.GetSides() {
			sides = append(sides, s.String())
		}
		out = append(out, domain.Casualties{Sides: sides, Killed: n.GetKilled(), Wounded: n.GetWounded(), KilledOrWounded: n.GetKilledOrWounded()})
	}
	return out
}

func sourcesFromProto(ss []*incidentv1.Source) []domain.Source {
	var out []domain.Source
	for _, s := range ss {
		src := domain.Source{Name: s.GetName(), URI: s.GetUri()}
		if s.GetPublishTime() != nil {
			src.PublishTime = storedTime(s.GetPublishTime())
		}
		out = append(out, src)
	}
	return out
}

// storedTime is ts as the store keeps it (reqcheck.Stored), so a response never shows a
// finer time than a later read (or a retry) returns.
func storedTime(ts *timestamppb.Timestamp) time.Time { return reqcheck.Stored(ts.AsTime()) }

// toProto converts a stored incident to its API form.
func toProto(d *store.Doc[domain.Incident]) *incidentv1.Incident {
	i := d.Body
	t := i.Totals()
	out := &incidentv1.Incident{
		Name:           d.Name,
		Kind:           incidentv1.IncidentKind(incidentv1.IncidentKind_value[i.Kind]),
		Title:          i.Title,
		Description:    i.Description,
		OccurTime:      timestamppb.New(i.OccurTime),
		TimePrecision:  typev1.TimePrecision(typev1.TimePrecision_value[i.TimePrecision]),
		Place:          i.Place.ToProto(),
		District:       i.District,
		Governorates:   i.Governorates,
		Perpetrator:    &incidentv1.Perpetrator{Claimed: i.Perpetrator.Claimed, Assessed: i.Perpetrator.Assessed, Confidence: incidentv1.Confidence(incidentv1.Confidence_value[i.Perpetrator.Confidence])},
		Casualties:     &incidentv1.Casualties{TotalKilled: t.Killed, TotalWounded: t.Wounded, Total: t.All},
		ReportingForce: i.ReportingForce,
		State:          incidentv1.IncidentState(incidentv1.IncidentState_value[i.State]),
		Notes:          i.Notes,
		CreateTime:     timestamppb.New(d.CreateTime),
		UpdateTime:     timestamppb.New(d.UpdateTime),
		Etag:           d.Etag,
	}
	for _, c := range i.Casualties {
		n := &incidentv1.CasualtyCount{Killed: c.Killed, Wounded: c.Wounded, KilledOrWounded: c.KilledOrWounded}
		for _, s := range c.Sides {
			n.Sides = append(n.Sides, incidentv1.CasualtySide(incidentv1.CasualtySide_value[s]))
		}
		out.Casualties.Counts = append(out.Casualties.Counts, n)
	}
	for _, s := range i.Sources {
		src := &incidentv1.Source{Name: s.Name, Uri: s.URI}
		if !s.PublishTime.IsZero() {
			src.PublishTime = timestamppb.New(s.PublishTime)
		}
		out.Sources = append(out.Sources, src)
	}
	return out
}

// changeType maps the store's change verbs to the API's.
func changeType(verb string) incidentv1.ChangeType {
	switch verb {
	case "created":
		return incidentv1.ChangeType_CHANGE_TYPE_CREATED
	case "confirmed", "closed":
		return incidentv1.ChangeType_CHANGE_TYPE_STATE_CHANGED
	default:
		return incidentv1.ChangeType_CHANGE_TYPE_UPDATED
	}
}
