package reqcheck

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Limits on free text from clients: titles and short fields, and descriptions.
const (
	MaxShortLen = 200
	MaxTextLen  = 10000
)

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
