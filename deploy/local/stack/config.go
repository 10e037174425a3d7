package stack

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// AllProcesses is the key of Config.Env whose variables every process gets.
const AllProcesses = "*"

// Config says what to run and where.
type Config struct {
	// BinDir holds the built binaries (see Binary and Build). Every process the stack runs
	// must have its binary there, or Up fails: a system missing a part must not look whole.
	BinDir string
	// Processes names the processes to run (in any order; they start in the stack's
	// order). Empty means all of them; the store is left out when MongoURI is set.
	Processes []string
	// DataDir holds everything the stack keeps: the store's files (store/), each service's
	// data directory (<name>/), the logs (logs/<name>.log), the development token key pair
	// (keys/) and, with TLS, the development certificates (tls/).
	DataDir string
	// Ports overrides the loopback port of the named processes; the others use
	// DefaultPort. Tests pass free ports (see FreePorts).
	Ports map[string]int
	// MongoURI, when set, points every service at that MongoDB instead of starting the
	// store process.
	MongoURI string
	// Seed makes each service load its seed scenario on start (idempotently).
	Seed bool
	// InsecureNoAuth runs every service without authentication. Otherwise the stack keeps
	// a development Ed25519 key pair under DataDir/keys, every service trusts its public
	// key, and Token mints tokens with it.
	InsecureNoAuth bool
	// TLS serves every service over TLS with development certificates kept under
	// DataDir/tls: the gateway with a server certificate (clients verify it with
	// CACert), the services behind it with mutual TLS, so only the gateway and the other
	// services, which get client certificates, reach them.
	TLS bool
	// Env adds KEY=VALUE variables to the named process's environment (AllProcesses: to
	// every process). They come last, so they override what the stack sets.
	Env map[string][]string
	// Verbose copies each process's output to Console, every line prefixed with its name;
	// the output always goes to DataDir/logs/<name>.log.
	Verbose bool
	// Console receives the supervisor's notices (started, healthy, exited and restarting)
	// and, when Verbose, the processes' output; nil means os.Stderr.
	Console io.Writer
	// HealthTimeout bounds how long Up waits for the whole stack to be healthy; zero
	// means 60s.
	HealthTimeout time.Duration
	// StopTimeout is how long Stop and Close wait after SIGTERM before SIGKILL; zero
	// means 15s, more than a service's own graceful stop limit.
	StopTimeout time.Duration
	// Backoff is the restart policy; zero means DefaultBackoff.
	Backoff Backoff
	// DevTokenTTL is how long the tokens of the development identities the web app's
	// sign-in offers (DevIdentities) last; zero means 24h.
	DevTokenTTL time.Duration
}

func (c Config) withDefaults() (Config, error) {
	if c.BinDir == "" {
		return c, errors.New("stack: Config.BinDir is required")
	}
	if c.DataDir == "" {
		return c, errors.New("stack: Config.DataDir is required")
	}
	for name := range c.Ports {
		if !knownPort(name) {
			return c, fmt.Errorf("stack: Config.Ports names unknown process %q", name)
		}
	}
	for _, name := range c.Processes {
		if !known(name) {
			return c, fmt.Errorf("stack: Config.Processes names unknown process %q", name)
		}
	}
	for name := range c.Env {
		if name != AllProcesses && !known(name) {
			return c, fmt.Errorf("stack: Config.Env names unknown process %q", name)
		}
	}
	if c.Console == nil {
		c.Console = os.Stderr
	}
	if c.HealthTimeout == 0 {
		c.HealthTimeout = 60 * time.Second
	}
	if c.StopTimeout == 0 {
		c.StopTimeout = 15 * time.Second
	}
	if c.DevTokenTTL == 0 {
		c.DevTokenTTL = 24 * time.Hour
	}
	if c.Backoff == (Backoff{}) {
		c.Backoff = DefaultBackoff()
	}
	return c, nil
}

// port returns the named process's port.
func (c Config) port(name string) int {
	if p, ok := c.Ports[name]; ok && p != 0 {
		return p
	}
	return defaultPorts[name]
}
