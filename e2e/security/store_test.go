package security

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/deploy/local/stack"
)

// nobody is the uid the attacker runs as when the test can switch users (as root).
const nobody = 65534

// TestStoreRefusesOutsiders repeats issue 13, row 1: a plain mongo-driver client on the
// same host reached the embedded store's TCP port with no credentials and rewrote records.
// Now the store serves no TCP port at all, only a Unix socket in a directory only its user
// can open; another user's connection is refused by the kernel. The system's own user
// still connects (the control: the socket is the one the services use).
func TestStoreRefusesOutsiders(t *testing.T) {
	pid := env.Pid(stack.Store)
	if pid == 0 {
		t.Fatal("store not running")
	}
	if ports := tcpListeners(t, pid); len(ports) > 0 {
		t.Fatalf("the store process listens on TCP %v: any local user can connect without credentials", ports)
	}
	sock := env.Addr(stack.Store)
	dir := filepath.Dir(sock)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Fatalf("store directory %s has mode %v, want 0700 (only its user may open the socket)", dir, perm)
	}

	// The control: the system's user reaches the store through the socket.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := mongo.Connect(options.Client().ApplyURI(env.MongoURI()).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Disconnect(context.Background()) }()
	if _, err := c.ListDatabaseNames(ctx, map[string]any{}); err != nil {
		t.Fatalf("the system's own user cannot reach the store: %v", err)
	}

	// The attacker: another user of the machine. Switching users needs root; as any
	// other user the checks above (no TCP port, a 0700 directory) are the proof.
	if os.Geteuid() != 0 {
		t.Logf("not root: another user's connection is not attempted (the directory mode refuses it)")
		return
	}
	err = asUser(nobody, func() error {
		conn, err := net.DialTimeout("unix", sock, 5*time.Second)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		return err
	})
	if !errors.Is(err, syscall.EACCES) {
		t.Fatalf("uid %d connecting to the store's socket: got %v, want permission denied", nobody, err)
	}
	err = asUser(nobody, func() error {
		_, err := os.ReadDir(dir)
		return err
	})
	if !errors.Is(err, syscall.EACCES) {
		t.Fatalf("uid %d listing the store's files: got %v, want permission denied", nobody, err)
	}
}

// asUser runs f on an OS thread of its own whose user id is uid, then throws the thread
// away. On Linux a raw setresuid changes the calling thread only, so the rest of the test
// process keeps its own user.
func asUser(uid int, f func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRESUID, uintptr(uid), uintptr(uid), uintptr(uid)); e != 0 {
			done <- e
			return
		}
		done <- f()
	}()
	return <-done
}

// tcpListeners returns the local addresses of the TCP sockets pid listens on, from
// /proc: the socket inodes among its open files, matched against the LISTEN entries of
// its network namespace.
func tcpListeners(t *testing.T, pid int) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		t.Fatal(err)
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + fd.Name())
		if ino, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			inodes[strings.TrimSuffix(ino, "]")] = true
		}
	}
	if len(inodes) == 0 {
		t.Fatalf("pid %d has no sockets open at all: is it the store?", pid)
	}
	var found []string
	for _, table := range []string{"tcp", "tcp6"} {
		f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/net/" + table)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			cols := strings.Fields(sc.Text())
			if len(cols) > 9 && cols[3] == "0A" && inodes[cols[9]] {
				found = append(found, cols[1])
			}
		}
		_ = f.Close()
	}
	return found
}
