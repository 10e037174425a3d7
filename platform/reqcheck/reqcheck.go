// Package reqcheck holds the checks every Tansiq API applies to the same request fields
// (request_id, page_size) and the enum names filters accept, so each service checks them
// alike and says so in the same words.
package reqcheck

import (
	"regexp"

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

// PageSize checks a page_size and returns the one to use: the default for 0, capped at
// MaxPageSize; a negative size is a violation.
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

// EnumNames lists a generated enum's value names but its zero (UNSPECIFIED) value.
func EnumNames(m map[int32]string) []string {
	out := make([]string, 0, len(m))
	for n, s := range m {
		if n != 0 {
			out = append(out, s)
		}
	}
	return out
}
