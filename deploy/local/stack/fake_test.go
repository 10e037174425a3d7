package stack

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/tansiq/tansiq/platform/store/embedded"
)

// The stack's tests run this test binary itself as the fake processes: linked into BinDir
// under each process's binary name, it sees that name in os.Args[0] and acts the part.
func TestMain(m *testing.M) {
	switch filepath.Base(os.Args[0]) {
	case Binary(Store):
		fakeStore(os.Args[1:])
	case Incident, Forces, Meeting, Gateway:
		fakeService()
	default:
		// Close must leave no goroutine behind either: reapers, restart timers and health
		// clients all end with it.
		goleak.VerifyTestMain(m)
	}
}

// fakeStore accepts connections on the Unix socket in --data-dir, like the store process.
func fakeStore(args []string) {
	fs := flag.NewFlagSet("fake-store", flag.ExitOnError)
	dataDir := fs.String("data-dir", "", "")
	_ = fs.Parse(args)
	fakeCommon(*dataDir)
	sock, err := embedded.SocketPath(*dataDir)
	if err != nil {
		fakeDie(err)
	}
	_ = os.Remove(sock)
	l, err := net.Listen("unix", sock)
	if err != nil {
		fakeDie(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	waitTerm()
	os.Exit(0)
}

// fakeService serves grpc.health.v1 on TANSIQ_LISTEN. FAKE_* variables make it misbehave:
// FAKE_NO_HEALTH answers NOT_SERVING, FAKE_EXIT_AFTER exits with status 2 after that
// long, FAKE_IGNORE_TERM ignores SIGTERM, FAKE_CHILD leaves a `sleep` child behind.
func fakeService() {
	fakeCommon(os.Getenv("TANSIQ_DATA_DIR"))
	l, err := net.Listen("tcp", os.Getenv("TANSIQ_LISTEN"))
	if err != nil {
		fakeDie(err)
	}
	srv := grpc.NewServer()
	h := health.NewServer()
	if os.Getenv("FAKE_NO_HEALTH") != "" {
		h.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	}
	healthpb.RegisterHealthServer(srv, h)
	go func() { _ = srv.Serve(l) }()
	if d, err := time.ParseDuration(os.Getenv("FAKE_EXIT_AFTER")); err == nil {
		time.AfterFunc(d, func() { os.Exit(2) })
	}
	if os.Getenv("FAKE_IGNORE_TERM") != "" {
		signal.Ignore(syscall.SIGTERM)
		select {}
	}
	waitTerm()
	srv.Stop()
	os.Exit(0)
}

// fakeCommon records the fake's pid and environment under dir for the tests to read, and
// starts the child FAKE_CHILD asks for.
func fakeCommon(dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fakeDie(err)
	}
	writeFile(filepath.Join(dir, "env.txt"), strings.Join(os.Environ(), "\n"))
	writeFile(filepath.Join(dir, "pid"), fmt.Sprint(os.Getpid()))
	fmt.Println("fake serving")
	if os.Getenv("FAKE_CHILD") != "" {
		child := exec.Command("sleep", "100")
		if err := child.Start(); err != nil {
			fakeDie(err)
		}
		writeFile(filepath.Join(dir, "child.pid"), fmt.Sprint(child.Process.Pid))
	}
}

func writeFile(path, s string) {
	// Write then rename, so that a test polling for the file never reads half of it.
	if err := os.WriteFile(path+".tmp", []byte(s), 0o644); err != nil {
		fakeDie(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		fakeDie(err)
	}
}

func waitTerm() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, os.Interrupt)
	<-c
}

func fakeDie(err error) {
	fmt.Fprintln(os.Stderr, "fake:", err)
	os.Exit(1)
}
