// Package e2e drives the real processes through the gateway, as a user would.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tansiq/tansiq/e2e/harness"
)

// env is the system every test in this package shares; tests that kill or stop
// processes restore them before they return.
var env *harness.Env

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "tansiq-e2e-")
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
