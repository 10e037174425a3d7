package stack

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store/embedded"
)

func TestUpStartsWhatIsBuiltAndWiresIt(t *testing.T) {
	out := &syncBuffer{}
	cfg := testConfig(t, out, Store, Incident, Gateway) // forces and meeting left out
	cfg.Seed = true
	cfg.InsecureNoAuth = false
	cfg.Env[AllProcesses] = append(cfg.Env[AllProcesses], "EXTRA_ALL=1")
	cfg.Env[Incident] = []string{"EXTRA_INCIDENT=2", "TANSIQ_SEED=false"}
	t.Setenv("TANSIQ_LISTEN", "127.0.0.1:1") // the supervisor's own settings must not leak
	s := up(t, cfg)

	if got, want := s.Processes(), []string{Store, Incident, Gateway}; !slices.Equal(got, want) {
		t.Errorf("Processes() = %v, want %v", got, want)
	}
	eventually(t, 5*time.Second, "gateway output on the console, prefixed", func() bool {
		return strings.Contains(out.String(), "gateway  | fake serving\n")
	})
	for _, name := range s.Processes() {
		if s.Pid(name) == 0 {
			t.Errorf("Pid(%s) = 0 after Up", name)
		}
		want := fmt.Sprintf("127.0.0.1:%d", cfg.Ports[name])
		if name == Store {
			want = filepath.Join(cfg.DataDir, "store", "mongodb.sock")
		}
		if got := s.Addr(name); got != want {
			t.Errorf("Addr(%s) = %q, want %q", name, got, want)
		}
	}
	if got := s.Addr(Forces); got != "" {
		t.Errorf("Addr(forces) = %q for a process not run, want empty", got)
	}

	mongo := embedded.SocketURI(s.Addr(Store))
	gw, inc := envOf(t, s, Gateway), envOf(t, s, Incident)
	tests := []struct {
		name, key string
		env       map[string]string
		want      string
	}{
		{"gateway reaches incident", "TANSIQ_INCIDENT_ADDR", gw, s.Addr(Incident)},
		{"gateway has no forces backend", "TANSIQ_FORCES_ADDR", gw, ""},
		{"gateway has no meeting backend", "TANSIQ_MEETING_ADDR", gw, ""},
		{"gateway listens on its port", "TANSIQ_LISTEN", gw, s.Addr(Gateway)},
		{"gateway uses the store", "MONGODB_URI", gw, mongo},
		{"incident uses the store", "MONGODB_URI", inc, mongo},
		{"incident listens on its port", "TANSIQ_LISTEN", inc, s.Addr(Incident)},
		{"incident has its data dir", "TANSIQ_DATA_DIR", inc, filepath.Join(cfg.DataDir, Incident)},
		{"Config.Env overrides the stack", "TANSIQ_SEED", inc, "false"},
		{"seed reaches the gateway", "TANSIQ_SEED", gw, "true"},
		{"env for all", "EXTRA_ALL", inc, "1"},
		{"env for one", "EXTRA_INCIDENT", inc, "2"},
		{"env for one only", "EXTRA_INCIDENT", gw, ""},
		{"token key", "TANSIQ_JWT_PUBLIC_KEY_FILE", inc, filepath.Join(cfg.DataDir, "keys", auth.DevPublicKeyFile)},
	}
	for _, tt := range tests {
		if got := tt.env[tt.key]; got != tt.want {
			t.Errorf("%s: %s = %q, want %q", tt.name, tt.key, got, tt.want)
		}
	}

	// Tokens verify against the key the services were given.
	keys, err := auth.LoadPublicKeys(inc["TANSIQ_JWT_PUBLIC_KEY_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{PublicKeys: keys, Issuer: auth.DefaultIssuer, Audience: auth.DefaultAudience})
	if err != nil {
		t.Fatal(err)
	}
	op := auth.Identity{Subject: "forces/peshmerga/people/test", Force: "forces/peshmerga", Role: auth.RoleOperator}
	tok, err := s.Token(op, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.Verify(tok); err != nil || got.Subject != op.Subject {
		t.Errorf("Verify(Token) = %+v, %v; want subject %q", got, err, op.Subject)
	}
}

func TestKillRestartsWithBackoff(t *testing.T) {
	out := &syncBuffer{}
	cfg := testConfig(t, out, Store, Incident)
	cfg.Verbose = false
	s := up(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	restarting := regexp.MustCompile(`^incident exited \(signal: killed\); restarting in (\S+)`)
	var delays []string
	// The backoff doubles from testBackoff.Initial: the time that passed between each kill
	// and the new process must be at least the delay, not only announce it.
	wait := testBackoff.Initial
	for i := range 3 {
		old := s.Pid(Incident)
		killed := time.Now()
		if err := s.Kill(Incident); err != nil {
			t.Fatal(err)
		}
		if alive(old) {
			t.Errorf("kill %d: pid %d still alive after Kill returned", i+1, old)
		}
		eventually(t, 5*time.Second, "incident restarted", func() bool { p := s.Pid(Incident); return p != 0 && p != old })
		if took := time.Since(killed); took < wait {
			t.Errorf("kill %d: restarted %v after the kill, before its %v backoff passed", i+1, took, wait)
		}
		if err := s.WaitHealthy(ctx, Incident); err != nil {
			t.Fatal(err)
		}
		delays = out.matches(restarting)
		wait *= 2
	}
	if got, want := delays, []string{"100ms", "200ms", "400ms"}; !slices.Equal(got, want) {
		t.Errorf("restart delays announced = %v, want %v\nconsole:\n%s", got, want, out.String())
	}
	if got, want := s.Restarts(Incident), 3; got != want {
		t.Errorf("Restarts = %d, want %d", got, want)
	}
	if got := s.Restarts(Store); got != 0 {
		t.Errorf("store Restarts = %d, want 0", got)
	}
	if got := out.String(); strings.Contains(got, "fake serving") {
		t.Errorf("process output on the console without Verbose:\n%s", got)
	}
	// The log keeps the output of every run, the one before each kill included.
	eventually(t, 5*time.Second, "output of 4 runs in the log", func() bool {
		data, _ := os.ReadFile(s.LogFile(Incident))
		return strings.Count(string(data), "fake serving\n") == 4
	})
}

func TestCrashLoopBacksOffToTheCap(t *testing.T) {
	out := &syncBuffer{}
	cfg := testConfig(t, out, Store, Incident)
	cfg.Env[Incident] = []string{"FAKE_EXIT_AFTER=200ms"}
	s := up(t, cfg)

	restarting := regexp.MustCompile(`^incident exited \(exit status 2\); restarting in (\S+)`)
	eventually(t, 10*time.Second, "four restarts announced", func() bool { return len(out.matches(restarting)) >= 4 })
	if got, want := out.matches(restarting)[:4], []string{"100ms", "200ms", "400ms", "400ms"}; !slices.Equal(got, want) {
		t.Errorf("restart delays = %v, want %v", got, want)
	}
	if got := out.String(); !strings.Contains(got, "(log: "+s.LogFile(Incident)+")") {
		t.Errorf("restart notice does not name the log file:\n%s", got)
	}
}

func TestStopKeepsItDownUntilStart(t *testing.T) {
	out := &syncBuffer{}
	s := up(t, testConfig(t, out, Store, Incident))
	old := s.Pid(Incident)

	if err := s.Stop(Incident); err != nil {
		t.Fatal(err)
	}
	if alive(old) {
		t.Errorf("pid %d alive after Stop returned", old)
	}
	time.Sleep(5 * testBackoff.Initial) // a restart, if any, would have come by now
	if got := s.Pid(Incident); got != 0 {
		t.Errorf("Pid after Stop = %d, want 0 (not restarted)", got)
	}
	if got := out.String(); strings.Contains(got, "restarting") {
		t.Errorf("Stop announced a restart:\n%s", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := s.WaitHealthy(ctx, Incident); err == nil {
		t.Error("WaitHealthy succeeded for a stopped service")
	}
	if err := s.Kill(Incident); err == nil {
		t.Error("Kill of a stopped service succeeded")
	}

	if err := s.Start(Incident); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.WaitHealthy(ctx, Incident); err != nil {
		t.Fatal(err)
	}
	if got := s.Restarts(Incident); got != 0 {
		t.Errorf("Restarts after Stop and Start = %d, want 0", got)
	}

	// Supervised again: a kill after Start is repaired.
	restarted := s.Pid(Incident)
	if err := s.Kill(Incident); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "restart after Start", func() bool { p := s.Pid(Incident); return p != 0 && p != restarted })
}

func TestStopDuringBackoffCancelsTheRestart(t *testing.T) {
	out := &syncBuffer{}
	cfg := testConfig(t, out, Store, Incident)
	cfg.Backoff = Backoff{Initial: 500 * time.Millisecond, Max: time.Second, ResetAfter: time.Minute}
	s := up(t, cfg)
	if err := s.Kill(Incident); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(Incident); err != nil { // inside the 500ms backoff
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if got := s.Pid(Incident); got != 0 {
		t.Errorf("Pid = %d: the restart pending at Stop still happened", got)
	}
}

func TestCloseLeavesNoProcessBehind(t *testing.T) {
	out := &syncBuffer{}
	cfg := testConfig(t, out, Store, Incident, Forces, Meeting, Gateway)
	cfg.StopTimeout = 500 * time.Millisecond
	cfg.Env[Incident] = []string{"FAKE_CHILD=1"}      // leaves a `sleep` in its group
	cfg.Env[Meeting] = []string{"FAKE_IGNORE_TERM=1"} // needs the SIGKILL after StopTimeout
	s, err := Up(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	pids := map[string]int{}
	for _, name := range s.Processes() {
		pids[name] = s.Pid(name)
	}
	pids["incident's child"] = readPid(t, filepath.Join(cfg.DataDir, Incident, "child.pid"))
	for name, pid := range pids {
		if !alive(pid) {
			t.Fatalf("%s (pid %d) not alive before Close", name, pid)
		}
	}

	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("Close took %s", took)
	}
	for name, pid := range pids {
		if alive(pid) {
			t.Errorf("%s (pid %d) still alive after Close", name, pid)
		}
	}
	if got := out.String(); !strings.Contains(got, "meeting did not stop within 500ms of SIGTERM; killing it") {
		t.Errorf("console does not report the SIGKILL fallback:\n%s", got)
	}
	if err := s.Start(Incident); err == nil {
		t.Error("Start after Close succeeded")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCloseStopsInReverseOrder(t *testing.T) {
	out := &syncBuffer{}
	s := up(t, testConfig(t, out, Store, Incident, Gateway))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Each process's log ends with its exit time; in reverse order they never go backwards.
	var ends []string
	for _, name := range []string{Gateway, Incident, Store} {
		data, err := os.ReadFile(s.LogFile(name))
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`--- (\S+): exited`)
		m := re.FindAllStringSubmatch(string(data), -1)
		if len(m) == 0 {
			t.Fatalf("%s log has no exit line:\n%s", name, data)
		}
		ends = append(ends, m[len(m)-1][1])
	}
	if !slices.IsSorted(ends) {
		t.Errorf("exit times gateway, incident, store = %v, want non-decreasing", ends)
	}
}

func TestUpFailures(t *testing.T) {
	tests := []struct {
		name    string
		bins    []string
		env     map[string][]string
		taken   []string // processes whose port another program holds
		wantErr string
	}{
		{name: "no store binary", bins: []string{Incident}, wantErr: "no store binary"},
		{name: "a service never healthy", bins: []string{Store, Incident},
			env: map[string][]string{Incident: {"FAKE_NO_HEALTH=1"}}, wantErr: "incident at 127.0.0.1:"},
		{name: "unknown name in Env", bins: []string{Store},
			env: map[string][]string{"incidents": nil}, wantErr: `unknown process "incidents"`},
		{name: "a port taken by another program", bins: []string{Store, Incident},
			taken: []string{Incident}, wantErr: "the incident port 127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &syncBuffer{}
			cfg := testConfig(t, out, tt.bins...)
			cfg.Processes = []string{Store, Incident}
			// Long enough for the store's fake to come up on a busy machine (1 s was not
			// under CI's parallel packages); the never-healthy service still fails Up.
			cfg.HealthTimeout = 5 * time.Second
			for k, v := range tt.env {
				cfg.Env[k] = v
			}
			for _, name := range tt.taken {
				l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.Ports[name]))
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
			}
			s, err := Up(context.Background(), cfg)
			if err == nil {
				_ = s.Close()
				t.Fatal("Up succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			// Whatever was started is gone again.
			for _, name := range []string{Store, Incident} {
				// Each fake writes its pid under DataDir/<name> (the store's --data-dir too).
				data, err := os.ReadFile(filepath.Join(cfg.DataDir, name, "pid"))
				if err != nil {
					continue
				}
				var pid int
				fmt.Sscan(string(data), &pid)
				if alive(pid) {
					t.Errorf("%s (pid %d) left running after Up failed", name, pid)
				}
			}
		})
	}
}

// TestMissingBinaryIsRefused: a process to run without its binary stops Up with an error
// naming it, and nothing is left running, rather than a system that looks whole without it.
func TestMissingBinaryIsRefused(t *testing.T) {
	out := &syncBuffer{}
	cfg := testConfig(t, out, Store, Incident, Gateway)
	cfg.Processes = append(cfg.Processes, Forces) // asked for, never built
	s, err := Up(context.Background(), cfg)
	if err == nil {
		_ = s.Close()
		t.Fatal("Up started a stack without the forces binary")
	}
	if !strings.Contains(err.Error(), "no forces binary") {
		t.Fatalf("Up: %v, want it to name the forces binary", err)
	}
	if strings.Contains(out.String(), "fake serving") {
		t.Fatalf("a process started before the refusal:\n%s", out.String())
	}
}
