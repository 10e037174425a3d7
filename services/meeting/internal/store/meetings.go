package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Meetings is the meeting collection.
type Meetings struct {
	*store.Collection[domain.Meeting]
}

// MeetingPosition is where a page of meetings ends: the latest-first sort key of its last
// meeting.
type MeetingPosition struct {
	StartTime time.Time `json:"t"`
	Name      string    `json:"n"`
}

// MeetingPaths maps the fields of ListMeetings filters to document paths. place.name values
// must be domain.PlaceKey-normalized by the caller.
var MeetingPaths = map[string]string{
	"start_time":      "body.start_time",
	"state":           "body.state",
	"level":           "body.level",
	"host_force":      "body.host_force",
	"attending_force": "body.attending_forces",
	"place.name":      "body.place_keys",
	"place.latitude":  "body.place.point.lat",
	"place.longitude": "body.place.point.lng",
}

// List returns up to limit meetings matching the filter, latest start_time first, after pos.
func (s *Meetings) List(ctx context.Context, conds []filter.Typed, after *MeetingPosition, limit int) ([]*MeetingDoc, error) {
	q := store.Query(conds, MeetingPaths)
	if after != nil {
		q = append(q, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "body.start_time", Value: bson.D{{Key: "$lt", Value: after.StartTime}}}},
			bson.D{{Key: "body.start_time", Value: after.StartTime}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: after.Name}}}},
		}})
	}
	return s.Find(ctx, q, bson.D{{Key: "body.start_time", Value: -1}, {Key: "_id", Value: -1}}, int64(limit))
}
