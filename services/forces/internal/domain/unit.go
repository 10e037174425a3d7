package domain

import (
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/localized"
	"github.com/tansiq/tansiq/platform/place"
)

// Readiness values (the API's Readiness names) that need a reason.
const (
	ReadinessDegraded    = "READINESS_DEGRADED"
	ReadinessUnavailable = "READINESS_UNAVAILABLE"
)

// Unit is a command, formation or sub-unit of one force. Enum-valued fields hold the API's
// enum value names, so stored documents read as the API does. ParentUnit and Commander are
// stored even when empty, so that "top of a hierarchy" and "no commander" can be queried.
type Unit struct {
	DisplayName     localized.Name `bson:"display_name"`
	Echelon         string         `bson:"echelon"`
	ParentUnit      string         `bson:"parent_unit"`
	Commander       string         `bson:"commander"`
	HomeBase        *place.Place   `bson:"home_base,omitempty"`
	Strength        Strength       `bson:"strength"`
	Readiness       string         `bson:"readiness"`
	ReadinessReason string         `bson:"readiness_reason,omitempty"`
	SymbolCode      string         `bson:"symbol_code,omitempty"`
	// PositionRelease is PositionReleasable or PositionWithheld; empty (units stored
	// before it existed) is releasable.
	PositionRelease string `bson:"position_release,omitempty"`
	// LastPosition is the report with the latest report time; nil until the first report.
	// The history of reports is stored apart, one record per report, so that a unit stays
	// small in lists and in the store's log however often it reports.
	LastPosition *Position `bson:"last_position,omitempty"`
	// ClosingUntil is set while the unit is being deleted: until then no person may join
	// it, no device be bound to it and no area be drawn for it (see the store's
	// Units.RemoveFenced). Not part of the API.
	ClosingUntil time.Time `bson:"closing_until,omitempty"`
}

// PositionRelease values (the API's PositionRelease names).
const (
	PositionReleasable = "POSITION_RELEASE_RELEASABLE"
	PositionWithheld   = "POSITION_RELEASE_WITHHELD"
)

// PositionsWithheld reports whether the unit's force keeps its positions from the other
// force.
func (u *Unit) PositionsWithheld() bool { return u.PositionRelease == PositionWithheld }

// Strength is a unit's strength in people; zero means not known.
type Strength struct {
	Authorized int32 `bson:"authorized"`
	Present    int32 `bson:"present"`
}

// CheckReadiness refuses a degraded or unavailable unit without a reason: the API promises
// readiness_reason says why. field is the reason's path in the request.
func (u *Unit) CheckReadiness(field string) error {
	if (u.Readiness == ReadinessDegraded || u.Readiness == ReadinessUnavailable) && strings.TrimSpace(u.ReadinessReason) == "" {
		return invalid("READINESS_REASON_REQUIRED", field, "is required when readiness is "+u.Readiness)
	}
	return nil
}

// invalid is an INVALID_ARGUMENT error with a specific reason and one field violation.
func invalid(reason, field, description string) *apperr.Error {
	return &apperr.Error{Kind: apperr.KindInvalidArgument, Reason: reason,
		Message:    "the request has an invalid field: " + field + " " + description,
		Violations: []apperr.Violation{{Field: field, Description: description}}}
}
