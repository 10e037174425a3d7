package domain

import (
	"time"

	"github.com/tansiq/tansiq/platform/place"
)

// Incident states (the API's IncidentState names).
const (
	StateReported  = "INCIDENT_STATE_REPORTED"
	StateConfirmed = "INCIDENT_STATE_CONFIRMED"
	StateClosed    = "INCIDENT_STATE_CLOSED"
)

// Incident is an attack or other hostile act as recorded. Enum-valued fields hold the
// API's enum value names, so stored documents read as the API does.
type Incident struct {
	Kind           string       `bson:"kind"`
	Title          string       `bson:"title"`
	Description    string       `bson:"description,omitempty"`
	OccurTime      time.Time    `bson:"occur_time"`
	TimePrecision  string       `bson:"time_precision,omitempty"`
	Place          place.Place  `bson:"place"`
	District       string       `bson:"district,omitempty"`
	Governorates   []string     `bson:"governorates,omitempty"`
	Perpetrator    Perpetrator  `bson:"perpetrator"`
	Casualties     []Casualties `bson:"casualties,omitempty"`
	ReportingForce string       `bson:"reporting_force"`
	Sources        []Source     `bson:"sources,omitempty"`
	State          string       `bson:"state"`
	Notes          string       `bson:"notes,omitempty"`
	CloseReason    string       `bson:"close_reason,omitempty"`
}

// Perpetrator is who claimed an incident and who is assessed to have done it.
type Perpetrator struct {
	Claimed    string `bson:"claimed,omitempty"`
	Assessed   string `bson:"assessed,omitempty"`
	Confidence string `bson:"confidence,omitempty"`
}

// Casualties is one count: for one side, or for several together when the report does
// not split them; KilledOrWounded holds casualties not split into killed and wounded.
type Casualties struct {
	Sides           []string `bson:"sides"`
	Killed          int32    `bson:"killed,omitempty"`
	Wounded         int32    `bson:"wounded,omitempty"`
	KilledOrWounded int32    `bson:"killed_or_wounded,omitempty"`
}

// Source is where a report came from.
type Source struct {
	Name        string    `bson:"name"`
	URI         string    `bson:"uri,omitempty"`
	PublishTime time.Time `bson:"publish_time,omitempty"`
}

// Totals are the sums over all counts of an incident.
type Totals struct {
	Killed, Wounded, All int32
}

// Totals adds up the incident's casualties without inventing a split: a killed-or-wounded
// count adds to All only.
func (i *Incident) Totals() Totals {
	var t Totals
	for _, c := range i.Casualties {
		t.Killed += c.Killed
		t.Wounded += c.Wounded
		t.All += c.Killed + c.Wounded + c.KilledOrWounded
	}
	return t
}
