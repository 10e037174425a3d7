package gwtest

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Incident returns an incident as WatchIncidents sends it: at a point, at a time, with
// a casualty total.
func Incident(name string, lat, lng float64, occur time.Time, casualties int32) *incidentv1.Incident {
	return &incidentv1.Incident{
		Name: name, Kind: incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, Title: "attack " + name,
		OccurTime:      timestamppb.New(occur),
		Place:          &typev1.Place{Point: &typev1.LatLng{Latitude: lat, Longitude: lng}},
		Casualties:     &incidentv1.Casualties{Total: casualties},
		ReportingForce: "forces/peshmerga", State: incidentv1.IncidentState_INCIDENT_STATE_REPORTED,
		UpdateTime: timestamppb.New(occur),
	}
}

// Square returns a closed counter-clockwise ring around (lat, lng), half a side of d degrees.
func Square(lat, lng, d float64) *typev1.LinearRing {
	pt := func(la, ln float64) *typev1.LatLng { return &typev1.LatLng{Latitude: la, Longitude: ln} }
	return &typev1.LinearRing{Points: []*typev1.LatLng{
		pt(lat-d, lng-d), pt(lat-d, lng+d), pt(lat+d, lng+d), pt(lat+d, lng-d), pt(lat-d, lng-d)}}
}

// Scenario points, from docs/scenario.md.
var (
	KhidrJija = [2]float64{35.83, 43.62}
	Kulajo    = [2]float64{34.75, 44.90}
)

// At is a UTC time on a day of 2021 at an hour.
func At(month time.Month, day, hour int) time.Time {
	return time.Date(2021, month, day, hour, 0, 0, 0, time.UTC)
}
