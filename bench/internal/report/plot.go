package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
)

// Point is one (x, y) value of a series.
type Point struct{ X, Y float64 }

// Series is one line of a plot.
type Series struct {
	Name   string
	Color  string // any SVG colour
	Dashed bool
	Points []Point
}

// Plot is a line chart. Logarithmic axes take only positive values; others are dropped.
type Plot struct {
	Title, XLabel, YLabel string
	// LogX puts x on a base-2 scale (concurrency 1, 2, 4, ...); LogY puts y on a base-10
	// scale with 1-2-5 ticks.
	LogX, LogY    bool
	Width, Height int // pixels; 720x440 when 0
	Series        []Series
}

const (
	marginLeft, marginRight, marginTop, marginBottom = 70, 170, 40, 50
)

// SVG renders the plot as a standalone SVG document.
func (p Plot) SVG() []byte {
	w, h := p.Width, p.Height
	if w == 0 {
		w = 720
	}
	if h == 0 {
		h = 440
	}
	pw, ph := float64(w-marginLeft-marginRight), float64(h-marginTop-marginBottom)
	xmin, xmax, ymin, ymax := p.bounds()
	fx := scale(xmin, xmax, p.LogX, 2)
	fy := scale(ymin, ymax, p.LogY, 10)
	px := func(x float64) float64 { return marginLeft + fx(x)*pw }
	py := func(y float64) float64 { return marginTop + (1-fy(y))*ph }

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", marginLeft, esc(p.Title))
	// Axes and grid.
	for _, t := range ticks(xmin, xmax, p.LogX, 2) {
		x := px(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", x, marginTop, x, marginTop+ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x, marginTop+ph+16, num(t))
	}
	for _, t := range ticks(ymin, ymax, p.LogY, 10) {
		y := py(t)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", marginLeft, y, marginLeft+pw, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", marginLeft-6, y+4, num(t))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%.1f" fill="none" stroke="#444"/>`+"\n", marginLeft, marginTop, pw, ph)
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", marginLeft+pw/2, h-10, esc(p.XLabel))
	fmt.Fprintf(&b, `<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">%s</text>`+"\n", marginTop+ph/2, marginTop+ph/2, esc(p.YLabel))
	// Lines, markers and the legend.
	for i, s := range p.Series {
		var pts []string
		for _, pt := range p.usable(s.Points) {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(pt.X), py(pt.Y)))
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		if len(pts) > 0 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", esc(s.Color), dash, strings.Join(pts, " "))
			for _, pt := range pts {
				xy := strings.SplitN(pt, ",", 2)
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], esc(s.Color))
			}
		}
		ly := marginTop + 10 + i*20
		lx := float64(marginLeft) + pw + 14
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n", lx, ly, lx+24, ly, esc(s.Color), dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", lx+30, ly+4, esc(s.Name))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// usable drops the points a logarithmic axis cannot show.
func (p Plot) usable(pts []Point) []Point {
	var out []Point
	for _, pt := range pts {
		if (p.LogX && pt.X <= 0) || (p.LogY && pt.Y <= 0) || math.IsNaN(pt.X) || math.IsNaN(pt.Y) {
			continue
		}
		out = append(out, pt)
	}
	return out
}

// bounds are the data's extent, widened to whole ticks on logarithmic axes.
func (p Plot) bounds() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, s := range p.Series {
		for _, pt := range p.usable(s.Points) {
			xmin, xmax = math.Min(xmin, pt.X), math.Max(xmax, pt.X)
			ymin, ymax = math.Min(ymin, pt.Y), math.Max(ymax, pt.Y)
		}
	}
	if math.IsInf(xmin, 1) { // no data
		return 1, 2, 1, 10
	}
	if p.LogY {
		ymin = math.Pow(10, math.Floor(math.Log10(ymin)))
		ymax = math.Pow(10, math.Ceil(math.Log10(ymax)))
	} else {
		ymin = math.Min(0, ymin)
	}
	if xmax == xmin {
		xmax = xmin * 2
		if !p.LogX {
			xmax = xmin + 1
		}
	}
	if ymax == ymin {
		ymax = ymin + 1
	}
	return xmin, xmax, ymin, ymax
}

// scale maps [lo, hi] onto [0, 1], logarithmically when log is set.
func scale(lo, hi float64, log bool, base float64) func(float64) float64 {
	if log {
		l, h := math.Log(lo)/math.Log(base), math.Log(hi)/math.Log(base)
		return func(v float64) float64 { return (math.Log(v)/math.Log(base) - l) / (h - l) }
	}
	return func(v float64) float64 { return (v - lo) / (hi - lo) }
}

// ticks returns the tick values in [lo, hi]: powers of two (x) or 1-2-5 per decade (y)
// on logarithmic axes, about five even steps otherwise. At most 40 are returned.
func ticks(lo, hi float64, log bool, base float64) []float64 {
	var out []float64
	if log && base == 2 {
		for v := math.Pow(2, math.Ceil(math.Log2(lo))); v <= hi*1.0001 && len(out) < 40; v *= 2 {
			out = append(out, v)
		}
		return out
	}
	if log {
		for d := math.Pow(10, math.Floor(math.Log10(lo))); d <= hi && len(out) < 40; d *= 10 {
			for _, m := range []float64{1, 2, 5} {
				if v := d * m; v >= lo*0.9999 && v <= hi*1.0001 {
					out = append(out, v)
				}
			}
		}
		return out
	}
	step := niceStep((hi - lo) / 5)
	for v := math.Ceil(lo/step) * step; v <= hi*1.0001 && len(out) < 40; v += step {
		out = append(out, v)
	}
	return out
}

// niceStep rounds raw up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// num prints a tick value briefly: 2000 as 2k, 1500000 as 1.5M.
func num(v float64) string {
	switch {
	case v >= 1e6:
		return trim(v/1e6) + "M"
	case v >= 1e3:
		return trim(v/1e3) + "k"
	default:
		return trim(v)
	}
}

func trim(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
