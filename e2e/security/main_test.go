// Package security repeats, against the real processes of `make run`, the attacks of
// issue 13 that found holes, and fails if any of them works again. Rows that live in one
// package are proven there too (see the README's security section for the map).
package security

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tansiq/tansiq/e2e/harness"
)

// env is the system every test here attacks; no test kills or stops a process.
var env *harness.Env

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "tansiq-sec-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	env, err = harness.Start(ctx, dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the system:", err)
		return 1
	}
	defer env.Close()
	return m.Run()
}
