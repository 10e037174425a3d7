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

// MeetingSorts are the orders ListMeetings serves: "start_time desc" (the default: latest
// first), "start_time", "update_time desc" and "update_time".
var MeetingSorts = store.Sorts[domain.Meeting]{
	{OrderBy: "start_time desc", Key: store.ByTime(startTime)},
	{OrderBy: "start_time", Key: store.ByTime(startTime)},
	{OrderBy: "update_time desc", Key: store.ByTime(store.UpdateTime[domain.Meeting])},
	{OrderBy: "update_time", Key: store.ByTime(store.UpdateTime[domain.Meeting])},
}

func startTime(d *MeetingDoc) time.Time { return d.Body.StartTime }

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
	MeetingSorts.Declare(c)
	indexAll(c, meetingFields, "state", "level", "host_force", "attending_force", "place.name")
	return &Meetings{c}
}

// List returns up to limit meetings matching the filter, in order (one of MeetingSorts),
// after the cursor after. In a start_time order, a bound on start_time says where the walk
// starts and ends.
func (s *Meetings) List(ctx context.Context, flt filter.Filter, order store.Sort[domain.Meeting], after *store.Cursor, limit int) ([]*MeetingDoc, error) {
	sel := order.Selector(after, limit)
	sel = bounded(sel, meetingFields, flt, "start_time", order, func(t time.Time, name string) *MeetingDoc {
		return &MeetingDoc{Name: name, Body: domain.Meeting{StartTime: t}}
	})
	return s.Collection.List(ctx, selector(sel, meetingFields, flt))
}
