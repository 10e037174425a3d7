// Package harness starts the whole Tansiq system as real processes, the way `make run`
// does (deploy/local/stack), on free loopback ports with a fresh data directory, and
// hands tests clients that talk to it through the gateway with real tokens.
package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/platform/auth"
)

// Forces of the seed scenario.
const (
	Peshmerga = "forces/peshmerga"
	IraqiArmy = "forces/iraqi-army"
)

// Env is a running system.
type Env struct {
	*stack.Stack
	Dir string
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Binaries builds every deployable once per test binary (or uses TANSIQ_BIN_DIR, which
// `make test` points at the freshly built bin/).
func Binaries(ctx context.Context) (string, error) {
	buildOnce.Do(func() {
		if d := os.Getenv("TANSIQ_BIN_DIR"); d != "" {
			binDir = d
			return
		}
		binDir, buildErr = os.MkdirTemp("", "tansiq-e2e-bin-")
		if buildErr != nil {
			return
		}
		_, buildErr = stack.Build(ctx, RepoRoot(), binDir)
	})
	return binDir, buildErr
}

// RepoRoot is the repository's top directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Start brings the system up with the seed scenario and authentication on.
func Start(ctx context.Context, dir string, mutate func(*stack.Config)) (*Env, error) {
	bin, err := Binaries(ctx)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	ports, err := stack.FreePorts()
	if err != nil {
		return nil, err
	}
	cfg := stack.Config{BinDir: bin, DataDir: dir, Ports: ports, Seed: true, HealthTimeout: 3 * time.Minute,
		Console: os.Stderr}
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := stack.Up(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// A test of a system missing a part proves nothing: every process asked for runs.
	want := cfg.Processes
	if len(want) == 0 {
		want = stack.All()
	}
	for _, name := range want {
		if !slices.Contains(s.Processes(), name) || s.Pid(name) == 0 {
			_ = s.Close()
			return nil, fmt.Errorf("harness: %s is not running (running: %v)", name, s.Processes())
		}
	}
	return &Env{Stack: s, Dir: dir}, nil
}

// Token mints a token for a person of force with role.
func (e *Env) Token(person, force string, role auth.Role) string {
	tok, err := e.Stack.Token(auth.Identity{Subject: force + "/people/" + person, Force: force, Role: role}, time.Hour)
	if err != nil {
		panic(err)
	}
	return tok
}

// Conn dials a process (the gateway unless told otherwise) with token on every call.
func (e *Env) Conn(name, token string) *grpc.ClientConn {
	opts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	if token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(auth.BearerCredentials(token, false)))
	}
	conn, err := grpc.NewClient(e.Addr(name), opts...)
	if err != nil {
		panic(err)
	}
	return conn
}

// StartReplicas starts a second incident service and a second gateway on e's store, with
// their own free ports and data directory (dir) and e's token key, so that e's tokens
// work on both. The second gateway calls e's forces and meeting services and its own
// incident service. Together with e they are two replicas of each on one store.
func (e *Env) StartReplicas(ctx context.Context, dir string) (*stack.Stack, error) {
	bin, err := Binaries(ctx)
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	if err := os.CopyFS(filepath.Join(dir, "keys"), os.DirFS(filepath.Join(e.Dir, "keys"))); err != nil {
		return nil, fmt.Errorf("share the token key: %w", err)
	}
	ports, err := stack.FreePorts()
	if err != nil {
		return nil, err
	}
	return stack.Up(ctx, stack.Config{BinDir: bin, DataDir: dir,
		Processes: []string{stack.Incident, stack.Gateway}, Ports: ports, MongoURI: e.MongoURI(),
		HealthTimeout: 3 * time.Minute, Console: os.Stderr,
		Env: map[string][]string{stack.Gateway: {
			"TANSIQ_FORCES_ADDR=" + e.Addr(stack.Forces), "TANSIQ_MEETING_ADDR=" + e.Addr(stack.Meeting)}}})
}
