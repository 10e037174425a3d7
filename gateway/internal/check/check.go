// Package check holds the request-field rules the gateway's own APIs share: resource ids,
// request ids, page sizes, time windows and enum names, each reported as a field
// violation so a caller learns every bad field at once.
package check

import (
	"github.com/tansiq/tansiq/platform/reqcheck"
	"regexp"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
)

// ErrorDomain is the google.rpc.ErrorInfo domain of the gateway's own errors.
const ErrorDomain = "tansiq.gateway"

// ToStatus maps any error to a gRPC status in the gateway's error domain.
func ToStatus(err error) error { return apperr.ToStatus(err, ErrorDomain) }

var (
	// idPattern is a resource id: 4-63 characters of [a-z0-9-], starting with a letter
	// and not ending with a hyphen.
	idPattern    = regexp.MustCompile(`^[a-z][a-z0-9-]{2,61}[a-z0-9]$`)
	forcePattern = regexp.MustCompile(`^forces/[a-z][a-z0-9-]{2,61}[a-z0-9]$`)
)

// IsID reports whether s is a valid resource id.
func IsID(s string) bool { return idPattern.MatchString(s) }

// ID reports a bad optional resource id under field.
func ID(v *apperr.Violations, field, id string) {
	if id != "" && !IsID(id) {
		v.Add(field, "must be 4-63 characters of a-z, 0-9 and -, starting with a letter")
	}
}

// Name reports a missing name, or one that is not collection + "/" + a valid id.
func Name(v *apperr.Violations, field, name, collection string) {
	if name == "" {
		v.Add(field, "is required")
		return
	}
	if !IsName(name, collection) {
		v.Add(field, `must look like "%s/{id}"`, collection)
	}
}

// IsName reports whether name is collection + "/" + a valid id.
func IsName(name, collection string) bool {
	n := len(collection) + 1
	return len(name) > n && name[:n] == collection+"/" && IsID(name[n:])
}

// IsForce reports whether s is a force name, "forces/{force}".
func IsForce(s string) bool { return forcePattern.MatchString(s) }

// RequestID reports a malformed request_id.
func RequestID(v *apperr.Violations, id string) { reqcheck.RequestID(v, id) }

// Page sizes (AIP-158).
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// PageSize returns the page size to use for the requested one, reporting a negative one.
func PageSize(v *apperr.Violations, field string, size int32) int {
	switch {
	case size < 0:
		v.Add(field, "must not be negative")
		return DefaultPageSize
	case size == 0:
		return DefaultPageSize
	case size > MaxPageSize:
		return MaxPageSize
	}
	return int(size)
}

// Time reports a timestamp that is set but not valid, and returns it (zero when unset).
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

// Stored is t as the store keeps it, UTC to the millisecond, so a response never shows a
// finer time than a later read returns.
func Stored(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// DefaultWindow is the window the gateway's reads cover when the caller gives none.
const DefaultWindow = 30 * 24 * time.Hour

// MaxWindow is the longest window the gateway's reads take: a year (a leap one), which
// bounds the incidents and deployments one call gathers.
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

// EnumNames lists an enum's value names but the zero one, for filter schemas.
func EnumNames(m map[int32]string) []string {
	out := make([]string, 0, len(m))
	for n, s := range m {
		if n != 0 {
			out = append(out, s)
		}
	}
	return out
}
