package handler

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// actionItemFromProto converts the client-writable fields of an action item.
func actionItemFromProto(in *meetingv1.ActionItem) domain.ActionItem {
	return domain.ActionItem{
		Title:       in.GetTitle(),
		Description: in.GetDescription(),
		Owner:       in.GetOwner(),
		DueTime:     storedTime(in.GetDueTime()),
	}
}

// actionItemToProto converts a stored action item to its API form, with its status as of now.
func actionItemToProto(d *meetingstore.ActionItemDoc, now time.Time) *meetingv1.ActionItem {
	a := d.Body
	out := &meetingv1.ActionItem{
		Name:        d.Name,
		Title:       a.Title,
		Description: a.Description,
		Owner:       a.Owner,
		OwnerForce:  a.OwnerForce,
		DueTime:     optionalTime(a.DueTime),
		Status:      meetingv1.ActionItemStatus(meetingv1.ActionItemStatus_value[a.Status(now)]),
		Zones:       a.Zones,
		DoneTime:    optionalTime(a.DoneTime),
		CreateTime:  timestamppb.New(d.CreateTime),
		UpdateTime:  timestamppb.New(d.UpdateTime),
		Etag:        d.Etag,
	}
	for _, u := range a.Updates {
		out.Updates = append(out.Updates, &meetingv1.ActionItemUpdate{
			Note: u.Note, Author: u.Author, CreateTime: timestamppb.New(u.Time), MarkedDone: u.MarkedDone, Reopened: u.Reopened})
	}
	return out
}
