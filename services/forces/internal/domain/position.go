package domain

import (
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/place"
)

// MaxPositions is how many reports a unit's history keeps: the latest by report time.
const MaxPositions = 100

// Position is one report of where a unit was.
type Position struct {
	// ID tells apart reports with the same report time, for a stable order and paging.
	ID string `bson:"id"`
	// Unit is the unit reported (in the history; empty in a unit's LastPosition).
	Unit        string      `bson:"unit,omitempty"`
	Place       place.Place `bson:"place"`
	ReportTime  time.Time   `bson:"report_time"`
	ReceiveTime time.Time   `bson:"receive_time"`
	Reporter    string      `bson:"reporter,omitempty"`
	Note        string      `bson:"note,omitempty"`
	// RequestID is the request_id the report came with, if any, so a retry can answer
	// whether the report moved the unit.
	RequestID string `bson:"request_id,omitempty"`
	// Moved records whether the report became the unit's last position when it came in.
	Moved bool `bson:"moved"`
}

// Before reports whether a comes before b in a history: later report time first, then
// the larger ID.
func Before(a, b Position) bool { return comparePositions(a, b) < 0 }

func comparePositions(a, b Position) int {
	if c := b.ReportTime.Compare(a.ReportTime); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// Move records that the unit was reported at p: p becomes LastPosition only if its report
// time is later than the current one's, so a report delayed on a poor link never moves a
// unit back to where it was. It reports whether the unit moved, and records that in p.
func (u *Unit) Move(p *Position) bool {
	p.Moved = u.LastPosition == nil || p.ReportTime.After(u.LastPosition.ReportTime)
	if p.Moved {
		last := *p
		u.LastPosition = &last
	}
	return p.Moved
}
