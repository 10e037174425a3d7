package reqcheck

import (
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

// TestTextRefusesControlsAndNonNFC repeats issue 13, row 10: NUL, BEL and a right-to-left
// override were stored as-is in titles and districts.
func TestTextRefusesControlsAndNonNFC(t *testing.T) {
	tests := []struct {
		name string
		s    string
		ok   bool
	}{
		{"plain Arabic", "هجوم على طريق مخمور", true},
		{"Kurdish with RLM", "مەخموور\u200f", true},
		{"tab and newlines", "line one\n\tline two\r\n", true},
		{"NUL", "IED\x00", false},
		{"BEL", "IED\x07", false},
		{"ESC", "\x1b[31mred", false},
		{"DEL", "a\x7fb", false},
		{"right-to-left override", "Makhmour \u202egnp.exe", false},
		{"left-to-right isolate", "a\u2066b", false},
		{"decomposed (NFD) û", "Mexmu\u0302r", false},
		{"composed (NFC) û", "Mexm\u00fbr", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v apperr.Violations
			Text(&v, "title", tt.s, MaxShortLen)
			if got := v.Err() == nil; got != tt.ok {
				t.Errorf("Text(%q): accepted %v, want %v (%v)", tt.s, got, tt.ok, v.Err())
			}
		})
	}
}
