package placement

import (
	"slices"
	"time"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// Placement is an incident as the gateway keeps it: the fields coverage and the picture
// show, and the zones whose area contains its point (sorted; empty when none does).
// Enum fields hold the incident API's value names.
type Placement struct {
	Name       string      `bson:"_id"`
	Zones      []string    `bson:"zones"`
	Title      string      `bson:"title"`
	Kind       string      `bson:"kind"`
	OccurTime  time.Time   `bson:"occur_time"`
	Place      place.Place `bson:"place"`
	Casualties int32       `bson:"casualties"`
	State      string      `bson:"state"`
	// UpdateTime is the incident's; PlaceTime when the gateway last changed this record.
	UpdateTime time.Time `bson:"update_time"`
	PlaceTime  time.Time `bson:"place_time"`
}

// FromIncident takes what a placement keeps of an incident; Zones is left to the Placer.
func FromIncident(in *incidentv1.Incident) Placement {
	return Placement{
		Name:       in.GetName(),
		Title:      in.GetTitle(),
		Kind:       in.GetKind().String(),
		OccurTime:  reqcheck.Stored(in.GetOccurTime().AsTime()),
		Place:      place.PlaceFromProto(in.GetPlace()),
		Casualties: in.GetCasualties().GetTotal(),
		State:      in.GetState().String(),
		UpdateTime: reqcheck.Stored(in.GetUpdateTime().AsTime()),
	}
}

// same reports whether p and q hold the same incident fields and zones (PlaceTime aside).
func same(p, q Placement) bool {
	p.PlaceTime, q.PlaceTime = time.Time{}, time.Time{}
	return p.Name == q.Name && slices.Equal(p.Zones, q.Zones) && p.Title == q.Title && p.Kind == q.Kind &&
		p.OccurTime.Equal(q.OccurTime) && p.Casualties == q.Casualties && p.State == q.State &&
		p.UpdateTime.Equal(q.UpdateTime) && samePlace(p.Place, q.Place)
}

func samePlace(a, b place.Place) bool {
	return a.Point == b.Point && a.Precision == b.Precision && a.Name.Arabic == b.Name.Arabic &&
		a.Name.Sorani == b.Name.Sorani && a.Name.English == b.Name.English && slices.Equal(a.Name.Aliases, b.Name.Aliases)
}

// ForCoverage returns the placement as the coverage computations take it.
func (p Placement) ForCoverage() assess.Incident {
	return assess.Incident{Name: p.Name, ZoneIDs: p.Zones, OccurTime: p.OccurTime, Casualties: int(p.Casualties)}
}
