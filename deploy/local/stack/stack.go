package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store/embedded"
	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// Stack is the running system: one supervised process per deployable whose binary exists.
// Its methods are safe for concurrent use.
type Stack struct {
	cfg      Config
	console  *console
	spawner  *spawner
	sec      *security
	mongoURI string
	order    []string // the processes of this stack, in start order
	procs    map[string]*proc
	wg       sync.WaitGroup // reapers and pending restarts
	closing  sync.Once
}

// Up starts the stack in order, the store, then incident, forces and meeting, then the
// gateway, each waited on until healthy before the next starts, all within
// Config.HealthTimeout. A process without its binary in BinDir is an error. On error
// nothing is left running.
func Up(ctx context.Context, cfg Config) (*Stack, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.BinDir, err = filepath.Abs(cfg.BinDir); err != nil {
		return nil, err
	}
	if cfg.DataDir, err = filepath.Abs(cfg.DataDir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(cfg.DataDir, "logs"), 0o755); err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	sec, err := setupSecurity(cfg)
	if err != nil {
		return nil, err
	}
	s := &Stack{
		cfg: cfg, console: &console{w: cfg.Console}, sec: sec,
		mongoURI: cfg.MongoURI, procs: map[string]*proc{},
	}
	if s.mongoURI == "" {
		sock, err := embedded.SocketPath(s.storeDir())
		if err != nil {
			return nil, err
		}
		s.mongoURI = embedded.SocketURI(sock)
	}
	if err := s.choose(); err != nil {
		return nil, err
	}
	if err := s.checkPortsFree(); err != nil {
		return nil, err
	}
	s.spawner = newSpawner()
	for _, name := range s.order {
		if err := s.add(name); err != nil {
			_ = s.Close()
			return nil, err
		}
	}

	ctx, cancel := context.WithTimeout(ctx, cfg.HealthTimeout)
	defer cancel()
	for _, name := range s.order {
		began := time.Now()
		if err := s.procs[name].start(); err != nil {
			_ = s.Close()
			return nil, err
		}
		if err := s.WaitHealthy(ctx, name); err != nil {
			_ = s.Close()
			return nil, err
		}
		s.console.noticef("%s healthy at %s (pid %d, %.1fs)", name, s.procs[name].addr, s.Pid(name), time.Since(began).Seconds())
	}
	return s, nil
}

// choose picks the processes to run, in start order, and refuses to go on when one of
// them has no binary.
func (s *Stack) choose() error {
	for _, name := range order {
		if name == Store && s.cfg.MongoURI != "" {
			continue // an outside MongoDB replaces the store process
		}
		if len(s.cfg.Processes) > 0 && !slices.Contains(s.cfg.Processes, name) {
			continue
		}
		if bin := filepath.Join(s.cfg.BinDir, Binary(name)); !isExecutable(bin) {
			return fmt.Errorf("stack: no %s binary %s: build it (make build)", name, bin)
		}
		s.order = append(s.order, name)
	}
	return nil
}

// checkPortsFree fails when another program already serves on a port of the stack: the
// health checks would take it for the stack's own process. The store serves on a socket in
// its own directory, and refuses to start itself if another store serves there.
func (s *Stack) checkPortsFree() error {
	for _, proc := range s.order {
		if proc == Store {
			continue
		}
		for _, name := range append([]string{proc}, extraPorts[proc]...) {
			l, err := net.Listen("tcp", s.loopback(name))
			if err != nil {
				return fmt.Errorf("stack: the %s port %s is taken by another program (another Tansiq running?): %w", name, s.loopback(name), err)
			}
			_ = l.Close()
		}
	}
	return nil
}

// add prepares the named process: its command line, environment and log file.
func (s *Stack) add(name string) error {
	logPath := filepath.Join(s.cfg.DataDir, "logs", name+".log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	p := &proc{
		name: name, addr: s.loopback(name), bin: filepath.Join(s.cfg.BinDir, Binary(name)),
		env: s.environ(name), log: log, st: s, backoff: backoffState{policy: s.cfg.Backoff},
	}
	if name == Store {
		// Only on a Unix socket that only this user can open: the store has no
		// authentication of its own (platform/store/embedded).
		if p.addr, err = embedded.SocketPath(s.storeDir()); err != nil {
			return err
		}
		p.args = []string{"--data-dir", s.storeDir()}
	}
	s.procs[name] = p
	return nil
}

// environ is the named process's environment: the supervisor's own, less any Tansiq
// settings (the stack's must not be overridden by accident; Config.Env does it on
// purpose), then what the stack wires, then Config.Env.
func (s *Stack) environ(name string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TANSIQ_") && !strings.HasPrefix(kv, "MONGODB_URI=") {
			env = append(env, kv)
		}
	}
	if name != Store {
		env = append(env,
			"MONGODB_URI="+s.mongoURI,
			"TANSIQ_LISTEN="+s.loopback(name),
			"TANSIQ_SEED="+strconv.FormatBool(s.cfg.Seed),
			"TANSIQ_DATA_DIR="+filepath.Join(s.cfg.DataDir, name),
		)
		env = append(env, s.sec.env(name)...)
	}
	switch name {
	case Meeting:
		env = append(env, "TANSIQ_FORCES_ADDR="+s.addrIfRun(Forces))
	case Gateway:
		// An empty address tells the gateway there is no such backend yet.
		env = append(env,
			"TANSIQ_INCIDENT_ADDR="+s.addrIfRun(Incident),
			"TANSIQ_FORCES_ADDR="+s.addrIfRun(Forces),
			"TANSIQ_MEETING_ADDR="+s.addrIfRun(Meeting),
			"TANSIQ_WEB_LISTEN="+s.loopback(Web),
		)
	case CoTBridge:
		env = append(env,
			"TANSIQ_GATEWAY_ADDR="+s.loopback(Gateway),
			"TANSIQ_COT_TCP_LISTEN="+s.loopback(CoTTCP),
			"TANSIQ_COT_TLS_LISTEN="+s.loopback(CoTTLS),
		)
		if s.cfg.Seed {
			// The seed scenario is the winter of 2021: show it, not an empty last 30 days.
			env = append(env, "TANSIQ_COT_SINCE="+seedSince)
		}
	}
	env = append(env, s.cfg.Env[AllProcesses]...)
	return append(env, s.cfg.Env[name]...)
}

// addrIfRun is the named process's address if the stack runs it, else "".
func (s *Stack) addrIfRun(name string) string {
	if slices.Contains(s.order, name) {
		return s.loopback(name)
	}
	return ""
}

// storeDir holds the embedded store's files and its socket.
func (s *Stack) storeDir() string { return filepath.Join(s.cfg.DataDir, "store") }

func (s *Stack) loopback(name string) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.cfg.port(name)))
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

func (s *Stack) proc(name string) (*proc, error) {
	p, ok := s.procs[name]
	if !ok {
		return nil, fmt.Errorf("stack: no process %q in this stack (it has %s)", name, strings.Join(s.order, ", "))
	}
	return p, nil
}

// Processes returns the names of the processes this stack runs, in start order.
func (s *Stack) Processes() []string { return slices.Clone(s.order) }

// Addr returns the host:port the named process (or one of its ports, e.g. CoTTCP)
// serves on (for the store, the path of its Unix socket), or "" if the stack does not
// run it.
func (s *Stack) Addr(name string) string {
	if p, ok := s.procs[name]; ok {
		return p.addr
	}
	for proc, ports := range extraPorts {
		if _, ok := s.procs[proc]; ok && slices.Contains(ports, name) {
			return s.loopback(name)
		}
	}
	return ""
}

// WebURL is the address of the web app the gateway serves, or "" if the stack runs no
// gateway.
func (s *Stack) WebURL() string {
	if !slices.Contains(s.order, Gateway) {
		return ""
	}
	scheme := "http"
	if s.sec.dev != nil {
		scheme = "https"
	}
	return scheme + "://" + s.loopback(Web) + "/"
}

// MongoURI is the store every service uses.
func (s *Stack) MongoURI() string { return s.mongoURI }

// LogFile returns the path of the named process's log, or "" if the stack does not run it.
func (s *Stack) LogFile(name string) string {
	if p, ok := s.procs[name]; ok {
		return p.log.Name()
	}
	return ""
}

// Pid returns the process id of the named process, or 0 while it is not running.
func (s *Stack) Pid(name string) int {
	if p, ok := s.procs[name]; ok {
		return p.pid()
	}
	return 0
}

// Restarts returns how many times the supervisor has restarted the named process after
// an unexpected exit.
func (s *Stack) Restarts(name string) int {
	if p, ok := s.procs[name]; ok {
		return p.restartCount()
	}
	return 0
}

// Kill sends SIGKILL to the named process (and its process group) and returns once it is
// gone; the supervisor restarts it after its backoff, as it would after a crash.
func (s *Stack) Kill(name string) error {
	p, err := s.proc(name)
	if err != nil {
		return err
	}
	return p.kill()
}

// Stop stops the named process gracefully (SIGTERM, then SIGKILL after
// Config.StopTimeout) and keeps it down until Start. It returns once the process is gone.
func (s *Stack) Stop(name string) error {
	p, err := s.proc(name)
	if err != nil {
		return err
	}
	p.stop(s.cfg.StopTimeout)
	return nil
}

// Start runs the named process again after Stop (or at once, if a restart is pending) and
// supervises it again. It returns once the process is started, not when it is healthy:
// follow it with WaitHealthy.
func (s *Stack) Start(name string) error {
	p, err := s.proc(name)
	if err != nil {
		return err
	}
	return p.start()
}

// Token mints a bearer token every service of the stack accepts, for tests and for the
// tokens `make run` prints. It fails when the stack runs without authentication.
func (s *Stack) Token(id auth.Identity, ttl time.Duration) (string, error) {
	if s.sec.signer == nil {
		return "", errors.New("stack: running without authentication: no tokens")
	}
	return s.sec.signer.Mint(id, ttl)
}

// CACert returns the development CA certificate that clients verify the gateway with when
// the stack runs with TLS, or "" without TLS.
func (s *Stack) CACert() string {
	if s.sec.dev == nil {
		return ""
	}
	return s.sec.dev.CACert()
}

// CoTCerts is the CoT bridge's development PKI: the CA its TLS port's certificate chains
// to and that device certificates must chain to, and a device certificate for each of
// CoTDevices (ClientFiles).
func (s *Stack) CoTCerts() tlsconfig.Dev { return s.sec.cot }

// Close stops every process in reverse start order (each SIGTERM, then SIGKILL after
// Config.StopTimeout) and returns when all are gone. Calling it again does nothing.
func (s *Stack) Close() error {
	s.closing.Do(func() {
		for _, name := range slices.Backward(s.order) {
			if p, ok := s.procs[name]; ok {
				p.close(s.cfg.StopTimeout)
			}
		}
		s.wg.Wait()
		if s.spawner != nil {
			s.spawner.close()
		}
		for _, p := range s.procs {
			_ = p.log.Close()
		}
	})
	return nil
}
