package handler

import (
	"context"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// meetingSchema is the filter ListMeetings accepts, as its request documents.
var meetingSchema = filter.Schema{
	"start_time":      {Type: filter.Time, Ops: filter.Ordered},
	"state":           {Type: filter.Enum, Values: reqcheck.EnumNames(meetingv1.MeetingState_name)},
	"level":           {Type: filter.Enum, Values: reqcheck.EnumNames(meetingv1.MeetingLevel_name)},
	"host_force":      {Type: filter.String},
	"attending_force": {Type: filter.String},
	"place.name":      {Type: filter.String},
	"place.latitude":  {Type: filter.Number, Ops: filter.Ordered},
	"place.longitude": {Type: filter.Number, Ops: filter.Ordered},
}

// ListMeetings lists meetings, latest start_time first, a page at a time.
func (h *Handler) ListMeetings(ctx context.Context, req *meetingv1.ListMeetingsRequest) (*meetingv1.ListMeetingsResponse, error) {
	var v apperr.Violations
	conds, err := meetingSchema.Check(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	for i, c := range conds {
		if c.Field == "place.name" {
			// Stored as domain.PlaceKey of every name and alias; compare the same way.
			conds[i].Value = domain.PlaceKey(c.Value.(string))
		}
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	var pos meetingstore.MeetingPosition
	after := h.pagePosition(&v, req.GetFilter(), req.GetPageToken(), &pos)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	var from *meetingstore.MeetingPosition
	if after {
		from = &pos
	}
	docs, err := h.meetings.List(ctx, conds, from, size+1)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &meetingv1.ListMeetingsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		last := docs[size-1]
		tok, err := h.tokens.Encode(req.GetFilter(), meetingstore.MeetingPosition{StartTime: last.Body.StartTime, Name: last.Name})
		if err != nil {
			return nil, toStatus(err)
		}
		resp.NextPageToken = tok
	}
	for _, d := range readable(ctx, docs) {
		resp.Meetings = append(resp.Meetings, meetingToProto(d))
	}
	return resp, nil
}
