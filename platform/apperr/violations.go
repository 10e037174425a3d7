package apperr

import (
	"fmt"
	"strconv"
)

// Violations collects field violations while a request is validated, so that a caller
// learns of every bad field at once rather than one per round trip.
type Violations struct {
	list []Violation
}

// Add records that field is bad.
func (v *Violations) Add(field, format string, args ...any) {
	v.list = append(v.list, Violation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Append records violations found elsewhere, with their fields prefixed by prefix+".".
func (v *Violations) Append(prefix string, vs []Violation) {
	for _, x := range vs {
		f := x.Field
		if prefix != "" {
			if f == "" {
				f = prefix
			} else {
				f = prefix + "." + f
			}
		}
		v.list = append(v.list, Violation{Field: f, Description: x.Description})
	}
}

// Required records field as missing when empty is true.
func (v *Violations) Required(field string, empty bool) {
	if empty {
		v.Add(field, "is required")
	}
}

// List returns the violations recorded so far.
func (v *Violations) List() []Violation { return v.list }

// Err returns an INVALID_ARGUMENT error listing the violations, or nil if there are none.
func (v *Violations) Err() error {
	if len(v.list) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalidArgument, Reason: "INVALID_ARGUMENT",
		Message: "the request has invalid fields", Violations: v.list}
}

// Index names element i of a repeated field, e.g. Index("sources", 2) = "sources[2]".
func Index(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
