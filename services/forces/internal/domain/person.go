package domain

import (
	"strings"
	"time"

	"github.com/tansiq/tansiq/platform/localized"
)

// Person is a member of one force. The name may be unknown when the role is known: the
// source names "the West Nineveh operations commander" but not who that is.
type Person struct {
	DisplayName localized.Name `bson:"display_name"`
	Rank        string         `bson:"rank,omitempty"`
	Role        localized.Name `bson:"role"`
	// Unit is stored even when empty, so "people in no unit" can be queried.
	Unit string `bson:"unit"`
	// ClosingUntil is set while the person is being deleted: until then no unit may name
	// them commander (see the store's People.RemoveFenced). Not part of the API.
	ClosingUntil time.Time `bson:"closing_until,omitempty"`
}

// Known reports whether n gives a name in at least one language; aliases alone do not.
func Known(n localized.Name) bool {
	return strings.TrimSpace(n.Arabic+n.Sorani+n.English) != ""
}

// CheckIdentified refuses a person with neither a known name nor a role: such a record
// could not be told apart from any other. field is the role's path in the request.
func (p *Person) CheckIdentified(field string) error {
	if !Known(p.DisplayName) && !Known(p.Role) {
		return invalid("PERSON_UNIDENTIFIED", field, "is required when display_name is unset")
	}
	return nil
}
