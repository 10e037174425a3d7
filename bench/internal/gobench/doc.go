// Package gobench runs a package's Go benchmarks (`go test -bench`) and reads their
// results, so the report can put the numbers of other packages' benchmarks beside its
// targets, each a median over -count runs.
package gobench
