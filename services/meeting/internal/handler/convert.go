package handler

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
)

// storedTime is ts as the store keeps it, to the millisecond, so a response never shows
// a finer time than a later read (or a retry) returns. A missing timestamp is the zero time.
func storedTime(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime().UTC().Truncate(time.Millisecond)
}

// optionalTime converts a time that may be unset (zero) to its API form (nil).
func optionalTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}
