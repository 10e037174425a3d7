package stats

import (
	"fmt"
	"slices"
)

// Summary is the median and spread of one figure over several runs.
type Summary struct {
	N                int
	Median, Min, Max float64
	// Q1 and Q3 are the lower and upper quartiles (medians of the lower and upper halves).
	Q1, Q3 float64
}

// Summarize returns the summary of xs; the zero Summary when xs is empty.
func Summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	half := n / 2
	return Summary{
		N:      n,
		Median: median(s),
		Min:    s[0],
		Max:    s[n-1],
		Q1:     median(s[:half+n%2]),
		Q3:     median(s[half:]),
	}
}

// median of a sorted, non-empty slice: the middle value, or the mean of the two middle ones.
func median(s []float64) float64 {
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Format writes the summary as "median [min–max]" with the given verb for each number,
// e.g. "%.0f" or "%.2f".
func (s Summary) Format(verb string) string {
	if s.N == 0 {
		return "n/a"
	}
	if s.N == 1 {
		return fmt.Sprintf(verb, s.Median)
	}
	return fmt.Sprintf(verb+" ["+verb+"–"+verb+"]", s.Median, s.Min, s.Max)
}
