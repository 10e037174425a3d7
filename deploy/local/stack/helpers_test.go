package stack

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testBackoff is quick enough for tests, with a visible doubling and cap.
var testBackoff = Backoff{Initial: 100 * time.Millisecond, Max: 400 * time.Millisecond, ResetAfter: time.Minute}

// fakeBin returns a BinDir holding the test binary under the binary names of the given
// processes.
func fakeBin(t *testing.T, names ...string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range names {
		if err := os.Symlink(self, filepath.Join(dir, Binary(n))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// testConfig returns a configuration on free ports with the fake binaries of names.
func testConfig(t *testing.T, out *syncBuffer, names ...string) Config {
	t.Helper()
	ports, err := FreePorts()
	if err != nil {
		t.Fatal(err)
	}
	return Config{
		BinDir: fakeBin(t, names...), Processes: names, DataDir: t.TempDir(), Ports: ports,
		Console: out, Verbose: true, Backoff: testBackoff,
		HealthTimeout: 20 * time.Second, StopTimeout: 5 * time.Second,
		InsecureNoAuth: true,
		// A race-enabled binary sleeps a second on exit unless told not to; the fakes are
		// this race-enabled test binary.
		Env: map[string][]string{AllProcesses: {"GORACE=atexit_sleep_ms=0"}},
	}
}

// up starts the stack and closes it when the test ends.
func up(t *testing.T, cfg Config) *Stack {
	t.Helper()
	s, err := Up(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// syncBuffer is a console tests can read while the supervisor writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// matches returns the first submatch of re on every console line that matches it.
func (b *syncBuffer) matches(re *regexp.Regexp) []string {
	var got []string
	for _, line := range strings.Split(b.String(), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			got = append(got, m[len(m)-1])
		}
	}
	return got
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether a process with this pid exists and is not a zombie waiting for a
// parent (a reparented orphan's zombie may linger where nothing reaps as init would).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// readPid reads a pid file a fake wrote.
func readPid(t *testing.T, path string) int {
	t.Helper()
	var pid int
	eventually(t, 5*time.Second, "pid file "+path, func() bool {
		data, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		pid, err = strconv.Atoi(string(data))
		return err == nil
	})
	return pid
}

// envOf returns the environment the named fake last started with.
func envOf(t *testing.T, s *Stack, name string) map[string]string {
	t.Helper()
	dir := filepath.Join(s.cfg.DataDir, name)
	data, err := os.ReadFile(filepath.Join(dir, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, kv := range strings.Split(string(data), "\n") {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}
