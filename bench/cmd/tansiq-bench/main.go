// Command tansiq-bench runs Tansiq's benchmarks and writes BENCHMARKS.md (`make bench`).
// It also serves, as subcommands, the processes it starts beside the real ones: the bare
// gRPC baseline (serve-baseline) and the embedded store (serve-store).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "serve-baseline":
		err = serveBaseline(ctx, os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "serve-store":
		err = serveStore(ctx, os.Args[2:])
	default:
		err = run(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tansiq-bench: %v\n", err)
		os.Exit(1)
	}
}

// findRepo walks up from dir to the directory holding go.work.
func findRepo(dir string) (string, error) {
	for range 64 {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("no go.work above the working directory: pass --repo")
}

// intList parses "1,2,4".
func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("bad number %q in %q", f, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// joinInts formats []int{1, 2, 4} as "1,2,4", the form intList parses.
func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// flagSet returns a flag set that reports errors rather than exiting.
func flagSet(name string) *flag.FlagSet { return flag.NewFlagSet(name, flag.ContinueOnError) }
