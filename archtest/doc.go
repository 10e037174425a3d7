// Package archtest holds the test of the repository's import rules (ARCHITECTURE.md):
// which packages may import which, read with `go list` over every module of go.work.
package archtest
