package handler

import (
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
)

// Limits on what a request may carry.
const (
	maxAttendees = 100
	maxAgenda    = 100
	maxRefs      = 100
)

// earliest is the oldest time accepted: this system records the post-2003 conflict.
var earliest = time.Date(2003, 1, 1, 0, 0, 0, 0, time.UTC)

// latestAhead is how far ahead a meeting or due time may be set; further is a typo.
const latestAhead = 5 * 365 * 24 * time.Hour

// validateTime checks a timestamp: present when required, valid, and in the range this
// system records.
func validateTime(v *apperr.Violations, field string, ts *timestamppb.Timestamp, required bool, now time.Time) {
	switch {
	case ts == nil:
		if required {
			v.Add(field, "is required")
		}
	case ts.CheckValid() != nil:
		v.Add(field, "is not a valid timestamp")
	case ts.AsTime().Before(earliest):
		v.Add(field, "must be after %s", earliest.Format(time.DateOnly))
	case ts.AsTime().After(now.Add(latestAhead)):
		v.Add(field, "must be within five years from now")
	}
}

// validateText checks free text, required or not.
func validateText(v *apperr.Violations, field, s string, required bool, max int) {
	if required && strings.TrimSpace(s) == "" {
		v.Add(field, "is required")
	}
	reqcheck.Text(v, field, s, max)
}

// validateRefs checks a list of resource names: each well formed, none twice, at most max.
func validateRefs(v *apperr.Violations, field string, names []string, pattern string, max int) {
	if len(names) > max {
		v.Add(field, "at most %d names", max)
	}
	seen := map[string]bool{}
	for i, n := range names {
		f := apperr.Index(field, i)
		switch {
		case !resname.Matches(pattern, n):
			v.Add(f, "must look like %q", pattern)
		case seen[n]:
			v.Add(f, "%s is listed twice", n)
		}
		seen[n] = true
	}
}

// storedTime is ts as the store keeps it, to the millisecond, so a response never shows
// a finer time than a later read (or a retry) returns. A missing timestamp is the zero time.
func storedTime(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return reqcheck.Stored(ts.AsTime())
}

// optionalTime converts a time that may be unset (zero) to its API form (nil).
func optionalTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}
