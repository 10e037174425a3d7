package table

import (
	"bytes"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{
			name:   "aligned to the widest cell",
			header: []string{"NAME", "STATE", "TITLE"},
			rows: [][]string{
				{"incidents/khidr-jija", "CONFIRMED", "ISIS attack on Khidr Jija"},
				{"incidents/x", "REPORTED", "IED"},
			},
			want: "NAME                  STATE      TITLE\n" +
				"incidents/khidr-jija  CONFIRMED  ISIS attack on Khidr Jija\n" +
				"incidents/x           REPORTED   IED\n",
		},
		{
			name:   "empty and missing cells show a dash",
			header: []string{"A", "B", "C"},
			rows:   [][]string{{"1", ""}},
			want:   "A  B  C\n1  -  -\n",
		},
		{
			name:   "tabs and newlines in a cell do not break the columns",
			header: []string{"A", "B"},
			rows:   [][]string{{"x\ty", "line1\nline2"}},
			want:   "A    B\nx y  line1 line2\n",
		},
		{
			name:   "no rows: the header alone",
			header: []string{"ZONE", "INCIDENTS"},
			want:   "ZONE  INCIDENTS\n",
		},
		{
			name:   "non-Latin text counts by characters",
			header: []string{"NAME", "N"},
			rows:   [][]string{{"مخمور", "1"}, {"Makhmour", "2"}},
			want:   "NAME      N\nمخمور     1\nMakhmour  2\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tt.header, tt.rows); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer title here", 10, "a longer …"},
		{"مخمور قراجوغ", 6, "مخمور…"},
		{"no limit", 0, "no limit"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d): got %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
