// Package types holds the Go forms of the shared API types (tansiq.type.v1): points,
// places and names in Arabic, Sorani Kurdish and English, with their validation and their
// conversion to and from the protos, so every service checks them the same way.
package types

import (
	"math"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tansiq/tansiq/platform/apperr"
)

// LatLng is a WGS84 point in degrees.
type LatLng struct {
	Lat float64 `bson:"lat"`
	Lng float64 `bson:"lng"`
}

// LocalizedName is a name in the three languages of the front, with other spellings.
type LocalizedName struct {
	Arabic  string   `bson:"ar,omitempty"`
	Sorani  string   `bson:"ckb,omitempty"`
	English string   `bson:"en,omitempty"`
	Aliases []string `bson:"aliases,omitempty"`
}

// Place is a point with its names and precision (a GeoPrecision enum name).
type Place struct {
	Point     LatLng        `bson:"point"`
	Name      LocalizedName `bson:"name"`
	Precision string        `bson:"precision,omitempty"`
}

// Limits on text from clients.
const (
	MaxNameLen  = 200
	MaxAliases  = 20
	MaxTextLen  = 10000
	MaxShortLen = 200
)

// ValidateLatLng reports points outside WGS84 ranges (or not finite) under field.
func ValidateLatLng(v *apperr.Violations, field string, p LatLng) {
	if math.IsNaN(p.Lat) || math.IsInf(p.Lat, 0) || p.Lat < -90 || p.Lat > 90 {
		v.Add(field+".latitude", "must be a number in [-90, 90]")
	}
	if math.IsNaN(p.Lng) || math.IsInf(p.Lng, 0) || p.Lng < -180 || p.Lng > 180 {
		v.Add(field+".longitude", "must be a number in [-180, 180]")
	}
}

// ValidateName reports a name with none of its three languages set, or text too long.
// required=false allows an entirely empty name (e.g. a person known only by role).
func ValidateName(v *apperr.Violations, field string, n LocalizedName, required bool) {
	if required && strings.TrimSpace(n.Arabic+n.Sorani+n.English) == "" {
		v.Add(field, "needs at least one of arabic, sorani or english")
	}
	Text(v, field+".arabic", n.Arabic, MaxNameLen)
	Text(v, field+".sorani", n.Sorani, MaxNameLen)
	Text(v, field+".english", n.English, MaxNameLen)
	if len(n.Aliases) > MaxAliases {
		v.Add(field+".aliases", "at most %d aliases", MaxAliases)
	}
	for i, a := range n.Aliases {
		if strings.TrimSpace(a) == "" {
			v.Add(apperr.Index(field+".aliases", i), "must not be empty")
		}
		Text(v, apperr.Index(field+".aliases", i), a, MaxNameLen)
	}
}

// Text reports text that is not UTF-8, longer than max characters, holding a control
// character (forbiddenRune) or not in NFC. Refused rather than cleaned, so what is stored
// is what the caller sent and saw.
func Text(v *apperr.Violations, field, s string, max int) {
	if !utf8.ValidString(s) {
		v.Add(field, "must be UTF-8")
		return
	}
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "must be at most %d characters", max)
		return
	}
	for i, r := range s {
		if forbiddenRune(r) {
			v.Add(field, "must not contain the control character U+%04X (at byte %d)", r, i)
			return
		}
	}
	if !norm.NFC.IsNormalString(s) {
		v.Add(field, "must be in Unicode normalization form NFC")
	}
}

// forbiddenRune reports the characters no text field takes: C0 controls and DEL (NUL,
// BEL, ESC... only tab and line breaks are text), and the bidirectional embeddings,
// overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a title read
// differently from what is stored. The marks LRM and RLM stay allowed: Arabic and Kurdish
// text uses them.
func forbiddenRune(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < 0x20, r == 0x7f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Matches reports whether q names n in any language or alias, ignoring case.
func (n LocalizedName) Matches(q string) bool {
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
