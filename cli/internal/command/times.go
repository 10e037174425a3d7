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

// parseTime reads RFC 3339 ("2021-12-02T22:30:00Z") or a date ("2021-12-02"), a day in
// loc, the zone the tables show. Empty is nil: the server's default.
func parseTime(flagName, s string, b bound, loc *time.Location) (*timestamppb.Timestamp, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return timestamppb.New(t), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if b == endBound {
			t = t.AddDate(0, 0, 1)
		}
		return timestamppb.New(t), nil
	}
	return nil, problem.Usagef("--%s %q: want a date (2021-12-02) or an RFC 3339 time (2021-12-02T22:30:00+03:00)", flagName, s)
}

// Baghdad is where the tables show times unless --utc is given: the forces and the
// incidents are in Iraq, and a night attack belongs to the Iraqi date it happened on
// (Kulajo, 2021-11-26T21:00Z, was 27 November at 00:00 +03).
var Baghdad = mustLoadLocation("Asia/Baghdad")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name) // time/tzdata is embedded in the binary (main.go)
	if err != nil {
		panic(err)
	}
	return loc
}

// formatTime shows a time in loc to the minute, with its offset: "2021-11-27 00:00 +03",
// "2021-11-26 21:00 Z" in UTC.
func formatTime(ts *timestamppb.Timestamp, loc *time.Location) string {
	if ts == nil {
		return ""
	}
	return ts.AsTime().In(loc).Format("2006-01-02 15:04 Z07")
}

// formatBound shows an end of a window: a date when it falls on midnight in loc, else
// as formatTime does.
func formatBound(ts *timestamppb.Timestamp, loc *time.Location) string {
	if ts == nil {
		return ""
	}
	t := ts.AsTime().In(loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return formatTime(ts, loc)
}

// window shows a span of time: "2021-12-01 → 2021-12-31", open ends as "…".
func window(start, end *timestamppb.Timestamp, loc *time.Location) string {
	s, e := formatBound(start, loc), formatBound(end, loc)
	if s == "" {
		s = "…"
	}
	if e == "" {
		e = "…"
	}
	return fmt.Sprintf("%s → %s", s, e)
}
