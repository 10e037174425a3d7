// Package localized holds the Go form of tansiq.type.v1.LocalizedName, a name in Arabic,
// Sorani Kurdish and English with other spellings (of a place, a zone, a force, a person),
// with its validation and its conversion to and from the proto, so every service checks
// names the same way.
package localized

import (
	"strings"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// Name is a name in the three languages of the front, with other spellings.
type Name struct {
	Arabic  string   `bson:"ar,omitempty"`
	Sorani  string   `bson:"ckb,omitempty"`
	English string   `bson:"en,omitempty"`
	Aliases []string `bson:"aliases,omitempty"`
}

// Limits on names from clients.
const (
	MaxNameLen = 200
	MaxAliases = 20
)

// Validate reports a name with none of its three languages set, or text too long.
// required=false allows an entirely empty name (e.g. a person known only by role).
func Validate(v *apperr.Violations, field string, n Name, required bool) {
	if required && strings.TrimSpace(n.Arabic+n.Sorani+n.English) == "" {
		v.Add(field, "needs at least one of arabic, sorani or english")
	}
	reqcheck.Text(v, field+".arabic", n.Arabic, MaxNameLen)
	reqcheck.Text(v, field+".sorani", n.Sorani, MaxNameLen)
	reqcheck.Text(v, field+".english", n.English, MaxNameLen)
	if len(n.Aliases) > MaxAliases {
		v.Add(field+".aliases", "at most %d aliases", MaxAliases)
	}
	for i, a := range n.Aliases {
		if strings.TrimSpace(a) == "" {
			v.Add(apperr.Index(field+".aliases", i), "must not be empty")
		}
		reqcheck.Text(v, apperr.Index(field+".aliases", i), a, MaxNameLen)
	}
}

// Matches reports whether q names n in any language or alias, ignoring case.
func (n Name) Matches(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return false
	}
	for _, s := range append([]string{n.Arabic, n.Sorani, n.English}, n.Aliases...) {
		if strings.ToLower(s) == q {
			return true
		}
	}
	return false
}

// FromProto converts a name; nil gives the empty name.
func FromProto(n *typev1.LocalizedName) Name {
	return Name{Arabic: n.GetArabic(), Sorani: n.GetSorani(), English: n.GetEnglish(),
		Aliases: append([]string(nil), n.GetAliases()...)}
}

// ToProto converts the name.
func (n Name) ToProto() *typev1.LocalizedName {
	return &typev1.LocalizedName{Arabic: n.Arabic, Sorani: n.Sorani, English: n.English, Aliases: n.Aliases}
}
