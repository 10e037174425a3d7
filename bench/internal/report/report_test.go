package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	got := Table([]string{"a", "b"}, [][]string{{"1", "x|y"}})
	want := "| a | b |\n| --- | --- |\n| 1 | x\\|y |\n"
	if got != want {
		t.Errorf("Table = %q, want %q", got, want)
	}
}

// TestPlotSVG checks that the plot is well-formed XML with one polyline per series that
// has data, and that a logarithmic axis drops what it cannot show.
func TestPlotSVG(t *testing.T) {
	p := Plot{
		Title: "latency <p50> & p99", XLabel: "concurrency", YLabel: "µs", LogX: true, LogY: true,
		Series: []Series{
			{Name: "direct", Color: "#1f77b4", Points: []Point{{1, 100}, {2, 120}, {4, 0}, {8, 400}}},
			{Name: "gateway", Color: "#d62728", Dashed: true, Points: []Point{{1, 180}, {2, 200}}},
			{Name: "empty", Color: "black"},
		},
	}
	svg := p.SVG()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	polylines, points := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			polylines++
			for _, a := range se.Attr {
				if a.Name.Local == "points" {
					points += len(strings.Fields(a.Value))
				}
			}
		}
	}
	if polylines != 2 {
		t.Errorf("polylines = %d, want 2 (the empty series draws none)", polylines)
	}
	if points != 5 {
		t.Errorf("plotted points = %d, want 5 (the zero y is dropped on a log axis)", points)
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi float64
		log    bool
		base   float64
		want   []float64
	}{
		{"powers of two", 1, 64, true, 2, []float64{1, 2, 4, 8, 16, 32, 64}},
		{"1-2-5 decades", 10, 1000, true, 10, []float64{10, 20, 50, 100, 200, 500, 1000}},
		{"linear", 0, 10, false, 10, []float64{0, 2, 4, 6, 8, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ticks(tt.lo, tt.hi, tt.log, tt.base)
			if len(got) != len(tt.want) {
				t.Fatalf("ticks = %v, want %v", got, tt.want)
			}
			for i := range got {
				if d := got[i] - tt.want[i]; d > 1e-9 || d < -1e-9 {
					t.Fatalf("ticks = %v, want %v", got, tt.want)
				}
			}
		})
	}
}
