package handler

import (
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// meetingUpdatable lists the update_mask paths UpdateMeeting accepts. State changes go
// through HoldMeeting, CancelMeeting and CloseMeeting; the host force owns the record and
// never changes.
var meetingUpdatable = map[string]func(dst *domain.Meeting, src domain.Meeting){
	"title":        func(d *domain.Meeting, s domain.Meeting) { d.Title = s.Title },
	"purpose":      func(d *domain.Meeting, s domain.Meeting) { d.Purpose = s.Purpose },
	"place":        func(d *domain.Meeting, s domain.Meeting) { d.Place = s.Place },
	"start_time":   func(d *domain.Meeting, s domain.Meeting) { d.StartTime = s.StartTime },
	"end_time":     func(d *domain.Meeting, s domain.Meeting) { d.EndTime = s.EndTime },
	"level":        func(d *domain.Meeting, s domain.Meeting) { d.Level = s.Level },
	"attendees":    func(d *domain.Meeting, s domain.Meeting) { d.Attendees = s.Attendees },
	"agenda_items": func(d *domain.Meeting, s domain.Meeting) { d.AgendaItems = s.AgendaItems },
	"outcome":      func(d *domain.Meeting, s domain.Meeting) { d.Outcome = s.Outcome },
}

// actionItemUpdatable lists the update_mask paths UpdateActionItem accepts. Status changes
// only through AddActionItemUpdate; a new owner must still belong to a force that took the
// decision.
var actionItemUpdatable = map[string]func(dst *domain.ActionItem, src domain.ActionItem) error{
	"title":       func(d *domain.ActionItem, s domain.ActionItem) error { d.Title = s.Title; return nil },
	"description": func(d *domain.ActionItem, s domain.ActionItem) error { d.Description = s.Description; return nil },
	"owner":       func(d *domain.ActionItem, s domain.ActionItem) error { return d.SetOwner(s.Owner) },
	"due_time":    func(d *domain.ActionItem, s domain.ActionItem) error { d.DueTime = s.DueTime; return nil },
}
