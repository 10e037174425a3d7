package domain

import (
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Action item statuses (the API's ActionItemStatus names).
const (
	StatusOpen    = "ACTION_ITEM_STATUS_OPEN"
	StatusDone    = "ACTION_ITEM_STATUS_DONE"
	StatusOverdue = "ACTION_ITEM_STATUS_OVERDUE"
)

// ActionItem is a task that follows from a decision. Its progress notes live in the same
// document, so adding a note and marking the item done is one atomic write.
type ActionItem struct {
	// Meeting and Decision are the parents' names, kept for queries by parent.
	Meeting     string `bson:"meeting"`
	Decision    string `bson:"decision"`
	Title       string `bson:"title"`
	Description string `bson:"description,omitempty"`
	// Owner is a force, unit or person; OwnerForce the force it belongs to.
	Owner      string    `bson:"owner"`
	OwnerForce string    `bson:"owner_force"`
	DueTime    time.Time `bson:"due_time,omitempty"`
	Updates    []Update  `bson:"updates,omitempty"`
	// Zones and RequiredForces are copied from the decision, which never changes: zones
	// so items are found by zone, required forces so who may write notes is known from
	// the item alone.
	Zones          []string  `bson:"zones,omitempty"`
	RequiredForces []string  `bson:"required_forces,omitempty"`
	Done           bool      `bson:"done"`
	DoneTime       time.Time `bson:"done_time,omitempty"`
}

// Update is one progress note.
type Update struct {
	Note       string    `bson:"note"`
	Author     string    `bson:"author,omitempty"`
	Time       time.Time `bson:"time"`
	MarkedDone bool      `bson:"marked_done,omitempty"`
	Reopened   bool      `bson:"reopened,omitempty"`
}

// NewActionItem returns an item of decision, owned by a.Owner. The owner must belong to one
// of the decision's required forces: an item is owed by a force that took the decision.
func NewActionItem(decisionName string, d *Decision, a ActionItem) (ActionItem, error) {
	a.Meeting = d.Meeting
	a.Decision = decisionName
	a.Zones = append([]string(nil), d.Zones...)
	a.RequiredForces = append([]string(nil), d.RequiredForces...)
	a.Updates, a.Done, a.DoneTime = nil, false, time.Time{}
	if err := a.SetOwner(a.Owner); err != nil {
		return ActionItem{}, err
	}
	return a, nil
}

// SetOwner makes owner (a force, unit or person) own the item, refusing one that belongs to
// none of the decision's required forces.
func (a *ActionItem) SetOwner(owner string) error {
	force := ForceOf(owner)
	if !contains(a.RequiredForces, force) {
		var v apperr.Violations
		v.Add("action_item.owner", "must be a force that took the decision, or one of its units or people: one of %v", a.RequiredForces)
		return v.Err()
	}
	a.Owner, a.OwnerForce = owner, force
	return nil
}

// Status is where the item stands at time now: DONE once marked done; otherwise OVERDUE
// past its due time, else OPEN. An item with no due time is never overdue. It is computed
// on every read, so an item turns overdue by the clock alone.
func (a *ActionItem) Status(now time.Time) string {
	switch {
	case a.Done:
		return StatusDone
	case !a.DueTime.IsZero() && now.After(a.DueTime):
		return StatusOverdue
	default:
		return StatusOpen
	}
}

// AddUpdate appends a progress note by author at time at, marking the item done when
// markDone is set, or reopening it when reopen is set (the handler lets only the
// StatusForce's operators ask for either). Marking a done item done again, or reopening an
// open one, keeps the note and changes nothing else.
func (a *ActionItem) AddUpdate(note, author string, markDone, reopen bool, at time.Time) {
	u := Update{Note: note, Author: author, Time: at}
	switch {
	case markDone && !a.Done:
		u.MarkedDone = true
		a.Done, a.DoneTime = true, at
	case reopen && a.Done:
		u.Reopened = true
		a.Done, a.DoneTime = false, time.Time{}
	}
	a.Updates = append(a.Updates, u)
}
