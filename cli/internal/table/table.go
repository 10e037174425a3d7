// Package table prints rows as aligned columns for people reading a terminal.
package table

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Write prints header and rows as columns separated by two spaces, each as wide as its
// widest cell, with the header on top. Empty cells show as "-", so a column never looks
// shifted; tabs and newlines inside a cell become spaces, since they would break the
// alignment. With no rows it prints the header alone.
func Write(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(cells []string) {
		out := make([]string, len(header))
		for i := range out {
			c := ""
			if i < len(cells) {
				c = clean(cells[i])
			}
			if c == "" {
				c = "-"
			}
			out[i] = c
		}
		fmt.Fprintln(tw, strings.Join(out, "\t"))
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	return tw.Flush()
}

// Truncate shortens s to at most n characters, marking the cut with "…".
func Truncate(s string, n int) string {
	r := []rune(s)
	if n <= 0 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s))
}
