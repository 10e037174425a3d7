package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// gcChildEnv makes the test binary, started again by a test, report its garbage
// collector's settings instead of running tests: GOGC and GOMEMLIMIT are read by the
// runtime at start, so each setting needs a process of its own.
const gcChildEnv = "TANSIQ_APP_GC_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(gcChildEnv) != "" {
		gcChild()
		return
	}
	os.Exit(m.Run())
}

// gcSettings is what a child reports once started and collections followed.
type gcSettings struct{ Percent, Goal, Limit uint64 }

func readGC() (percent, goal, limit uint64) {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/heap/goal:bytes"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
}

// gcChild starts as a process does, through Run (given a bad flag, so it stops once the
// start-up's first steps are done). When the floor is kept, GOGC is put back to 100 twice
// (a stale setting), each time followed by collections until the setting made after a
// collection shows (cleanups run a moment after it), for at most 5 s.
func gcChild() {
	var out gcSettings
	if err := Run(context.Background(), []string{"--log-level", "bogus"}, Options{Name: "gcchild"}, nil); err == nil {
		panic("Run took a bad --log-level")
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		for range 2 {
			debug.SetGCPercent(100)
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
				runtime.GC()
				time.Sleep(20 * time.Millisecond)
				if p, _, _ := readGC(); p != 100 {
					break
				}
			}
		}
	}
	runtime.GC()
	out.Percent, out.Goal, out.Limit = readGC()
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

// startGCChild runs the test binary as a gcChild with env added to an environment
// without GOGC, GOMEMLIMIT and GODEBUG.
func startGCChild(t *testing.T, env ...string) gcSettings {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "GOGC" && k != "GOMEMLIMIT" && k != "GODEBUG" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append(env, gcChildEnv+"=1")...)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	var s gcSettings
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("child said %q: %v", b, err)
	}
	return s
}

// TestHeapFloorRaisesTheGoalOfASmallHeap: with GOGC unset, a process started by Run whose
// live heap is a few MiB gets a heap goal of at least HeapFloor, set again after
// collections.
func TestHeapFloorRaisesTheGoalOfASmallHeap(t *testing.T) {
	s := startGCChild(t)
	if s.Goal < HeapFloor || s.Goal > HeapFloor*5/4 {
		t.Errorf("heap goal after collections %d bytes, want HeapFloor (%d) or a little over", s.Goal, HeapFloor)
	}
	if s.Percent <= 100 {
		t.Errorf("GOGC %d, want above 100 for a small heap", s.Percent)
	}
}

// TestGOGCFromTheEnvironmentStands: GOGC set by the operator is the runtime's, untouched.
func TestGOGCFromTheEnvironmentStands(t *testing.T) {
	s := startGCChild(t, "GOGC=50")
	if s.Percent != 50 {
		t.Errorf("GOGC %d after collections, want the environment's 50", s.Percent)
	}
	if s.Goal >= HeapFloor {
		t.Errorf("heap goal %d bytes with GOGC=50 and a small heap, want the runtime's own (well under %d)", s.Goal, HeapFloor)
	}
}

// TestGOMEMLIMITCapsTheFloor: a memory limit under the floor still bounds the heap goal.
func TestGOMEMLIMITCapsTheFloor(t *testing.T) {
	const limit = 32 << 20
	s := startGCChild(t, fmt.Sprintf("GOMEMLIMIT=%d", limit))
	if s.Limit != limit {
		t.Fatalf("memory limit %d, want the environment's %d", s.Limit, limit)
	}
	if s.Percent <= 100 {
		t.Errorf("GOGC %d, want the floor's (above 100) under a memory limit too", s.Percent)
	}
	if s.Goal > limit {
		t.Errorf("heap goal %d bytes over the %d-byte GOMEMLIMIT", s.Goal, limit)
	}
}

func TestGCPercentFor(t *testing.T) {
	const floor, budget = 64 << 20, 384 << 20
	for _, tt := range []struct {
		live, scanned uint64
		want          int
	}{
		{live: 0, scanned: 0, want: 1600},                // the runtime's minimum heap: 4 MiB × 16 = the floor
		{live: 1 << 20, scanned: 2 << 20, want: 1600},    // likewise
		{live: 8 << 20, scanned: 8 << 20, want: 700},     // 8 + 8 × 7 = 64 MiB: the floor is over 4 × 8
		{live: 8 << 20, scanned: 14 << 20, want: 400},    // stacks and globals scanned count too: 8 + 14 × 4
		{live: 20 << 20, scanned: 20 << 20, want: 300},   // HeapRoom: 4 × 20 = 80 MiB is over the floor
		{live: 20 << 20, scanned: 21 << 20, want: 300},   // 20 + 21 × 3 = 83 MiB
		{live: 150 << 20, scanned: 152 << 20, want: 154}, // 4 × 150 is over the budget: 150 + 152 × 1.54 ≈ 384 MiB
		{live: 192 << 20, scanned: 192 << 20, want: 100}, // twice the live heap is the budget already
		{live: 500 << 20, scanned: 520 << 20, want: 100}, // and never less than twice
	} {
		got := gcPercentFor(tt.live, tt.scanned, floor, budget)
		if got != tt.want {
			t.Errorf("gcPercentFor(%d MiB live, %d MiB scanned) = %d, want %d", tt.live>>20, tt.scanned>>20, got, tt.want)
		}
		goal := max(tt.live+tt.scanned*uint64(got)/100, 4<<20*uint64(got)/100)
		if want := max(floor, min(budget, tt.live+tt.scanned*(HeapRoom-1))); goal < want {
			t.Errorf("gcPercentFor(%d MiB live, %d MiB scanned) = %d gives a goal of %d, under %d", tt.live>>20, tt.scanned>>20, got, goal, want)
		}
		if got < 100 {
			t.Errorf("gcPercentFor(%d MiB live, %d MiB scanned) = %d, under the runtime's default", tt.live>>20, tt.scanned>>20, got)
		}
	}
}
