package gobench

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Spec says which benchmarks of which package to run.
type Spec struct {
	// Dir is where `go test` runs (the repository root, inside the Go workspace).
	Dir string
	// Package is the import path or relative pattern, e.g. "./gateway/internal/geo".
	Package string
	// Pattern is the -bench regular expression.
	Pattern string
	// Benchtime is the -benchtime value, e.g. "0.2s" or "3x".
	Benchtime string
	// Count is the -count value: how many times each benchmark runs.
	Count int
}

// Command is the command line Run executes, for the report.
func (s Spec) Command() string {
	return strings.Join(append([]string{"go"}, s.args()...), " ")
}

func (s Spec) args() []string {
	return []string{"test", "-run", "^$", "-bench", s.Pattern, "-benchmem",
		"-benchtime", s.Benchtime, "-count", strconv.Itoa(max(s.Count, 1)), s.Package}
}

// Run runs the benchmarks and returns their result lines and the whole output. It fails
// when go test fails; a package without matching benchmarks gives no lines and no error.
func Run(ctx context.Context, s Spec) ([]Line, string, error) {
	cmd := exec.CommandContext(ctx, "go", s.args()...)
	cmd.Dir = s.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, out.String(), fmt.Errorf("%s: %w\n%s", s.Command(), err, tail(out.String(), 2000))
	}
	return Parse(bytes.NewReader(out.Bytes())), out.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
