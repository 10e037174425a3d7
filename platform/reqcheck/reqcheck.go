// Package reqcheck holds the checks every Tansiq API applies to the same request fields
// (request_id, page_size, timestamps and time windows) and the one rule for the precision of
// stored times, so each service and the gateway check them alike and say so in the same
// words. Resource names are checked by platform/resname, filters by platform/filter,
// order_by by platform/orderby, update masks by platform/fieldmask.
package reqcheck

import (
	"regexp"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Page sizes of List methods (AIP-158).
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

// RequestID records a violation for a request_id that is set but malformed.
func RequestID(v *apperr.Violations, id string) {
	if id != "" && !requestIDPattern.MatchString(id) {
		v.Add("request_id", "must be 1-100 characters of letters, digits and ._:-")
	}
}

// PageSize checks a page_size and returns the one to use (AIP-158): a negative size is a
// violation, 0 asks for DefaultPageSize, and a larger size than MaxPageSize gets MaxPageSize.
func PageSize(v *apperr.Violations, n int32) int {
	switch {
	case n < 0:
		v.Add("page_size", "must not be negative")
		return 0
	case n == 0:
		return DefaultPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return int(n)
}

// Stored is t as the stores keep it: UTC, to the millisecond (BSON's precision), so a
// response never shows a finer time than a later read returns.
func Stored(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// Time records a violation for a timestamp that is set but not valid, and returns it as
// Stored (the zero time when unset or invalid).
func Time(v *apperr.Violations, field string, ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	if err := ts.CheckValid(); err != nil {
		v.Add(field, "is not a valid timestamp")
		return time.Time{}
	}
	return Stored(ts.AsTime())
}

// DefaultWindow is the window a read of a time range covers when the caller gives none.
const DefaultWindow = 30 * 24 * time.Hour

// MaxWindow is the longest window a read of a time range takes: a year (a leap one), which
// bounds the records one call gathers.
const MaxWindow = 366 * 24 * time.Hour

// Window reads an optional [start, end) window: end defaults to now, start to
// DefaultWindow before end; end must come after start, by at most MaxWindow.
func Window(v *apperr.Violations, startField, endField string, start, end *timestamppb.Timestamp, now time.Time) (time.Time, time.Time) {
	from, to := Time(v, startField, start), Time(v, endField, end)
	if to.IsZero() {
		to = Stored(now)
	}
	if from.IsZero() {
		from = to.Add(-DefaultWindow)
	}
	switch {
	case !from.Before(to):
		v.Add(endField, "must be after %s", startField)
	case to.Sub(from) > MaxWindow:
		v.Add(endField, "must be at most 366 days after %s", startField)
	}
	return from, to
}
