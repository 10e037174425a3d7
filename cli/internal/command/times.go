package command

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/cli/internal/problem"
)

// bound says which end of a window a time on the command line is: a bare date means the
// start of that day for a start, and the end of it (the next midnight) for an end, so that
// "--from 2021-12-01 --to 2021-12-31" covers all of December.
type bound int

const (
	startBound bound = iota
	endBound
)

// parseTime reads RFC 3339 ("2021-12-02T22:30:00Z") or a date ("2021-12-02", UTC). Empty
// is nil: the server's default.
func parseTime(flagName, s string, b bound) (*timestamppb.Timestamp, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return timestamppb.New(t), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.UTC); err == nil {
		if b == endBound {
			t = t.AddDate(0, 0, 1)
		}
		return timestamppb.New(t), nil
	}
	return nil, problem.Usagef("--%s %q: want a date (2021-12-02) or an RFC 3339 time (2021-12-02T22:30:00Z)", flagName, s)
}

// formatTime shows a time in UTC to the minute, or as a date when it falls on midnight.
func formatTime(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	t := ts.AsTime().UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}

// window shows a span of time: "2021-12-01 → 2021-12-31", open ends as "…".
func window(start, end *timestamppb.Timestamp) string {
	s, e := formatTime(start), formatTime(end)
	if s == "" {
		s = "…"
	}
	if e == "" {
		e = "…"
	}
	return fmt.Sprintf("%s → %s", s, e)
}
