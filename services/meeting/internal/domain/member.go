package domain

import "github.com/tansiq/tansiq/platform/apperr"

// Member is a person or unit as the forces service knows it: its name and the force it
// belongs to.
type Member struct {
	Name  string
	Force string
}

// CheckAttendees compares the attendees with the people the forces service found: an
// attendee it does not know is a violation on "<field>[i].person", one it knows in
// another force than claimed a violation on "<field>[i].force". One violation per bad
// entry, so the caller fixes them all at once.
func CheckAttendees(field string, as []Attendee, found map[string]Member) []apperr.Violation {
	var out []apperr.Violation
	for i, a := range as {
		f := apperr.Index(field, i)
		p, ok := found[a.Person]
		switch {
		case !ok:
			out = append(out, apperr.Violation{Field: f + ".person", Description: "is not a person the forces service knows"})
		case p.Force != a.Force:
			out = append(out, apperr.Violation{Field: f + ".force",
				Description: "the person belongs to " + p.Force + ", not " + a.Force})
		}
	}
	return out
}

// CheckKnown reports each name the forces service did not find, as a violation on
// "<field>[i]".
func CheckKnown(field string, names []string, found map[string]Member) []apperr.Violation {
	var out []apperr.Violation
	for i, n := range names {
		if _, ok := found[n]; !ok {
			out = append(out, apperr.Violation{Field: apperr.Index(field, i), Description: "is not known to the forces service"})
		}
	}
	return out
}
