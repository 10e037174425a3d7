package stack

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestPrefixWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		flush  bool
		want   string
	}{
		{"whole lines", []string{"a\nb\n"}, false, "incident | a\nincident | b\n"},
		{"a line split across writes", []string{"he", "llo\nwor", "ld\n"}, false, "incident | hello\nincident | world\n"},
		{"a partial line waits", []string{"no newline"}, false, ""},
		{"flush ends a partial line", []string{"last words"}, true, "incident | last words\n"},
		{"flush with nothing pending writes nothing", []string{"x\n"}, true, "incident | x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := newPrefixWriter("incident", &out)
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			if tt.flush {
				w.flush()
			}
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, []byte("1\n2\n3\n4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		n    int
		want string
	}{
		{2, "3\n4"},
		{4, "1\n2\n3\n4"},
		{10, "1\n2\n3\n4"},
	}
	for _, tt := range tests {
		if got := tail(path, tt.n); got != tt.want {
			t.Errorf("tail(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := tail(filepath.Join(t.TempDir(), "missing"), 3); got != "" {
		t.Errorf("tail of a missing file = %q, want empty", got)
	}
}
