package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Meetings is the meeting collection.
type Meetings struct {
	*store.Collection[domain.Meeting]
}

// latestFirst is the order of ListMeetings: start_time descending, then name descending.
const latestFirst = "latest_first"

// meetingFields are the fields of ListMeetings filters. place.name values must be
// domain.PlaceKey-normalized by the caller.
var meetingFields = fields[domain.Meeting]{
	"start_time":      func(d *MeetingDoc) any { return d.Body.StartTime },
	"state":           func(d *MeetingDoc) any { return d.Body.State },
	"level":           func(d *MeetingDoc) any { return d.Body.Level },
	"host_force":      func(d *MeetingDoc) any { return d.Body.HostForce },
	"attending_force": func(d *MeetingDoc) any { return d.Body.AttendingForces },
	"place.name":      func(d *MeetingDoc) any { return d.Body.PlaceKeys },
	"place.latitude":  func(d *MeetingDoc) any { return d.Body.Place.Point.Lat },
	"place.longitude": func(d *MeetingDoc) any { return d.Body.Place.Point.Lng },
}

func newMeetings(db *mongo.Database) *Meetings {
	c := store.NewCollection[domain.Meeting](db, "meetings")
	c.OrderBy(latestFirst, func(a, b *MeetingDoc) bool {
		if !a.Body.StartTime.Equal(b.Body.StartTime) {
			return a.Body.StartTime.After(b.Body.StartTime)
		}
		return a.Name > b.Name
	})
	indexAll(c, meetingFields, "state", "level", "host_force", "attending_force", "place.name")
	return &Meetings{c}
}

// MeetingPosition is where a page of meetings ends: the latest-first sort key of its last
// meeting.
type MeetingPosition struct {
	StartTime time.Time `json:"t"`
	Name      string    `json:"n"`
}

// MeetingPositionOf is d's position in the latest-first order.
func MeetingPositionOf(d *MeetingDoc) MeetingPosition {
	return MeetingPosition{StartTime: d.Body.StartTime, Name: d.Name}
}

// List returns up to limit meetings matching the filter, latest start_time first, after pos.
// A bound on start_time says where the walk starts (an upper one) and ends (a lower one).
func (s *Meetings) List(ctx context.Context, flt filter.Filter, after *MeetingPosition, limit int) ([]*MeetingDoc, error) {
	sel := store.Selector[domain.Meeting]{Order: latestFirst, Limit: limit}
	probe := func(t time.Time, name string) *MeetingDoc {
		return &MeetingDoc{Name: name, Body: domain.Meeting{StartTime: t}}
	}
	if after != nil {
		sel.After = append(sel.After, probe(after.StartTime, after.Name))
	}
	sel = bounded(sel, meetingFields, flt, "start_time", true, probe)
	return s.Collection.List(ctx, selector(sel, meetingFields, flt))
}
