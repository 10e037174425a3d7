package domain

import "time"

// Area is a unit's area of responsibility as stored: its shape as GeoJSON (never
// changed once drawn, so a unit's areas are its history) and the window it is held.
type Area struct {
	Unit      string    `bson:"unit"`
	Title     string    `bson:"title,omitempty"`
	GeoJSON   string    `bson:"geojson"`
	Km2       float64   `bson:"km2"`
	StartTime time.Time `bson:"start_time"`
	// EndTime is zero while the area is held.
	EndTime time.Time `bson:"end_time,omitempty"`
	Notes   string    `bson:"notes,omitempty"`
	DrawnBy string    `bson:"drawn_by,omitempty"`
	EndedBy string    `bson:"ended_by,omitempty"`
}

// HeldAt reports whether the area is held at t: StartTime <= t < EndTime (or no end).
func (a Area) HeldAt(t time.Time) bool {
	return !t.Before(a.StartTime) && (a.EndTime.IsZero() || t.Before(a.EndTime))
}

// AreaName is the name of area id of unit.
func AreaName(unit, id string) string { return unit + "/areas/" + id }
