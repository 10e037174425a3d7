// Package report writes what the benchmarks found: Markdown tables, line plots as
// hand-written SVG (no plotting dependency), and a description of the machine.
package report
