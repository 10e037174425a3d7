package suite

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tansiq/tansiq/bench/internal/proc"
)

// Process names, as they appear in the report.
const (
	nameStore    = "store"
	nameIncident = "incident"
	nameGateway  = "gateway"
	nameBaseline = "baseline"
	nameCLI      = "tansiq"        // the operator CLI, which imports archives
	nameLoader   = "incident-load" // the incident service's batch loader of archives
)

// stack is the set of running processes under test.
type stack struct {
	store, incident, gateway *proc.Process
	storeURI                 string
}

func (s *stack) procs() []*proc.Process {
	var out []*proc.Process
	for _, p := range []*proc.Process{s.store, s.incident, s.gateway} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// stop stops the processes, front to back.
func (s *stack) stop() {
	for _, p := range []*proc.Process{s.gateway, s.incident, s.store} {
		if p != nil {
			_ = p.Stop(10 * time.Second)
		}
	}
}

// startTimeout bounds a start of the stack: at 100,000 incidents loading the caches takes a
// while, and a slow start is a figure to report, not a reason to abandon the run.
const startTimeout = 10 * time.Minute

// startup is how long one start of the stack took, from launching the store.
type startup struct {
	Store, Incident, Gateway, All time.Duration
}

// build compiles the incident service, the gateway and the CLI from the repository.
func (r *runner) build(ctx context.Context) error {
	t0 := time.Now()
	for _, b := range []struct{ name, dir, pkg string }{
		{nameIncident, "services/incident", "./cmd/incident"},
		{nameGateway, "gateway", "./cmd/gateway"},
		{nameCLI, "cli", "./cmd/tansiq"},
		{nameLoader, "services/incident", "./cmd/incident-load"},
	} {
		out := filepath.Join(r.work, b.name)
		args := []string{"build", "-o", out, b.pkg}
		r.command(fmt.Sprintf("(cd %s && go %s)", b.dir, strings.Join(args, " ")))
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = filepath.Join(r.o.Repo, b.dir)
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %w\n%s", b.name, err, msg)
		}
		r.bins[b.name] = out
	}
	r.res.BuildTime = time.Since(t0)
	return nil
}

// freeAddr returns a loopback address with a port free at the time of the call.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// authArgs are the flags that turn authentication on or off in a process.
func (r *runner) authArgs() []string {
	if r.o.Auth {
		return []string{"--jwt-public-key", r.pubKey}
	}
	return []string{"--insecure-no-auth"}
}

// startStack starts the store, then the incident service and the gateway together, and
// times each until healthy. Every cycle gets fresh data, as after a clean clone.
func (r *runner) startStack(ctx context.Context, cycle int) (*stack, startup, error) {
	return r.startStackOn(ctx, filepath.Join(r.work, fmt.Sprintf("data-%d", cycle)), fmt.Sprint(cycle), cycle == 0)
}

// startStackOn starts the stack on the data under dir (created when missing, kept when
// there), logging to files tagged tag; record adds its command lines to the report.
func (r *runner) startStackOn(ctx context.Context, data, tag string, record bool) (*stack, startup, error) {
	var st startup
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, st, err
	}
	addrs := map[string]string{}
	for _, n := range []string{nameStore, nameIncident, nameGateway} {
		a, err := freeAddr()
		if err != nil {
			return nil, st, err
		}
		addrs[n] = a
	}
	s := &stack{storeURI: "mongodb://" + addrs[nameStore] + "/"}
	logf := func(name string) string { return filepath.Join(r.work, fmt.Sprintf("%s-%s.log", name, tag)) }
	storeArgs := []string{"serve-store", "--listen", addrs[nameStore], "--data-dir", filepath.Join(data, "store")}
	common := []string{"--mongo-uri", s.storeURI, "--seed", "--log-level", r.o.LogLevel}
	incArgs := append([]string{"--listen", addrs[nameIncident]}, common...)
	incArgs = append(incArgs, r.authArgs()...)
	gwArgs := append([]string{"--listen", addrs[nameGateway], "--incident-addr", addrs[nameIncident],
		"--forces-addr", "", "--meeting-addr", ""}, common...)
	gwArgs = append(gwArgs, r.authArgs()...)
	if r.gatewayToken != "" {
		// The gateway follows the incident feed on its own behalf, with its service token.
		gwArgs = append(gwArgs, "--service-token-file", r.gatewayToken)
	}
	if record {
		r.command(fmt.Sprintf("tansiq-bench %s", strings.Join(storeArgs, " ")))
		r.command(fmt.Sprintf("incident %s", shellJoin(incArgs)))
		r.command(fmt.Sprintf("gateway %s", shellJoin(gwArgs)))
	}

	t0 := time.Now()
	var err error
	if s.store, err = r.startStore(ctx, storeArgs, s.storeURI, logf(nameStore)); err != nil {
		return nil, st, err
	}
	st.Store = time.Since(t0)
	if s.incident, err = proc.Start(nameIncident, addrs[nameIncident], r.bins[nameIncident], incArgs, logf(nameIncident)); err != nil {
		s.stop()
		return nil, st, err
	}
	if s.gateway, err = proc.Start(nameGateway, addrs[nameGateway], r.bins[nameGateway], gwArgs, logf(nameGateway)); err != nil {
		s.stop()
		return nil, st, err
	}
	var wg sync.WaitGroup
	var incErr, gwErr error
	wg.Go(func() {
		incErr = proc.WaitHealthy(ctx, s.incident, startTimeout)
		st.Incident = time.Since(t0)
	})
	wg.Go(func() {
		gwErr = proc.WaitHealthy(ctx, s.gateway, startTimeout)
		st.Gateway = time.Since(t0)
	})
	wg.Wait()
	st.All = time.Since(t0)
	if incErr != nil || gwErr != nil {
		s.stop()
		return nil, st, fmt.Errorf("start-up: incident: %v; gateway: %v", incErr, gwErr)
	}
	return s, st, nil
}

// startStore starts the store process with args and waits until it answers at uri.
func (r *runner) startStore(ctx context.Context, args []string, uri, logFile string) (*proc.Process, error) {
	addr := strings.TrimSuffix(strings.TrimPrefix(uri, "mongodb://"), "/")
	p, err := proc.Start(nameStore, addr, r.o.Self, args, logFile)
	if err != nil {
		return nil, err
	}
	if err := proc.WaitMongo(ctx, p, uri, time.Minute); err != nil {
		_ = p.Stop(10 * time.Second)
		return nil, err
	}
	return p, nil
}

// startBaseline starts the bare gRPC server with replies of replyBytes.
func (r *runner) startBaseline(ctx context.Context, replyBytes int) (*proc.Process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := []string{"serve-baseline", "--listen", addr, "--reply-bytes", fmt.Sprint(replyBytes)}
	r.command("tansiq-bench " + strings.Join(args, " "))
	p, err := proc.Start(nameBaseline, addr, r.o.Self, args, filepath.Join(r.work, "baseline.log"))
	if err != nil {
		return nil, err
	}
	if err := proc.WaitHealthy(ctx, p, 30*time.Second); err != nil {
		_ = p.Stop(5 * time.Second)
		return nil, err
	}
	return p, nil
}

// shellJoin quotes the empty arguments, so a printed command line can be pasted.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" {
			a = `""`
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
