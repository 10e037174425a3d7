package stack

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// proc is one supervised process: while it is wanted, an unexpected exit schedules a
// restart after a backoff.
type proc struct {
	name string
	addr string   // host:port it serves on
	bin  string   // path of its binary
	args []string // command-line arguments
	env  []string // full environment
	log  *os.File // DataDir/logs/<name>.log, appended to across restarts
	st   *Stack

	mu       sync.Mutex
	want     bool          // keep it running: set by start, cleared by stop and close
	closed   bool          // the stack is closing: never start again
	cmd      *exec.Cmd     // the running process, nil when none
	exited   chan struct{} // closed when cmd has exited and been reaped
	timer    *time.Timer   // pending restart
	gen      int           // identifies the pending restart, so a stale timer does nothing
	backoff  backoffState
	restarts int
}

// start makes the process wanted and runs it now if it is not running (a pending restart
// is brought forward).
func (p *proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return fmt.Errorf("stack: %s: stack is closed", p.name)
	}
	p.cancelRestartLocked()
	p.want = true
	if p.cmd != nil {
		return nil
	}
	p.backoff.reset()
	if err := p.spawnLocked(); err != nil {
		p.want = false
		return fmt.Errorf("stack: start %s: %w", p.name, err)
	}
	return nil
}

// spawnLocked starts the binary and a goroutine that reaps it; p.mu is held.
func (p *proc) spawnLocked() error {
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = p.env
	cmd.SysProcAttr = sysProcAttr()
	var out io.Writer = p.log // an *os.File is handed to the child as is: no copying
	var pw *prefixWriter
	if p.st.cfg.Verbose {
		pw = newPrefixWriter(p.name, p.st.console)
		out = io.MultiWriter(p.log, pw)
		// A grandchild holding the pipe must not keep Wait from returning forever.
		cmd.WaitDelay = 2 * time.Second
	}
	cmd.Stdout, cmd.Stderr = out, out
	_, _ = fmt.Fprintf(p.log, "--- %s: starting %s\n", time.Now().Format(time.RFC3339), p.bin)
	if err := p.st.spawner.start(cmd); err != nil {
		return err
	}
	exited := make(chan struct{})
	p.cmd, p.exited = cmd, exited
	p.st.wg.Add(1)
	go p.reap(cmd, exited, time.Now(), pw)
	return nil
}

// reap waits for the process to exit, kills whatever it left in its process group, and
// schedules a restart unless the exit was asked for.
func (p *proc) reap(cmd *exec.Cmd, exited chan struct{}, started time.Time, pw *prefixWriter) {
	defer p.st.wg.Done()
	err := cmd.Wait()
	uptime := time.Since(started)
	// The group outlives its leader if the leader left children behind; they go with it.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if pw != nil {
		pw.flush()
	}
	_, _ = fmt.Fprintf(p.log, "--- %s: exited (%s)\n", time.Now().Format(time.RFC3339), exitReason(err))

	p.mu.Lock()
	defer p.mu.Unlock()
	p.cmd, p.exited = nil, nil
	close(exited)
	if p.want && !p.closed {
		p.scheduleRestartLocked(p.name+" exited ("+exitReason(err)+")", uptime)
	}
}

// scheduleRestartLocked announces why the process is down and arranges its restart after
// the backoff; p.mu is held.
func (p *proc) scheduleRestartLocked(why string, uptime time.Duration) {
	delay := p.backoff.next(uptime)
	p.st.console.noticef("%s; restarting in %s (log: %s)", why, delay, p.log.Name())
	p.gen++
	gen := p.gen
	p.st.wg.Add(1)
	p.timer = time.AfterFunc(delay, func() { p.restart(gen) })
}

// restart is the scheduled restart numbered gen.
func (p *proc) restart(gen int) {
	defer p.st.wg.Done()
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || p.timer == nil {
		return // cancelled, or replaced by a later schedule
	}
	p.timer = nil
	if !p.want || p.closed || p.cmd != nil {
		return
	}
	if err := p.spawnLocked(); err != nil {
		p.scheduleRestartLocked(p.name+" could not start ("+err.Error()+")", 0)
		return
	}
	p.restarts++
}

// cancelRestartLocked drops a pending restart; p.mu is held.
func (p *proc) cancelRestartLocked() {
	if p.timer == nil {
		return
	}
	if p.timer.Stop() {
		p.st.wg.Done() // the callback will never run to do it
	}
	p.timer = nil
	p.gen++
}

// kill sends SIGKILL to the process group and waits until the process is reaped; the
// supervisor then restarts it, since it is still wanted.
func (p *proc) kill() error {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return fmt.Errorf("stack: kill %s: not running", p.name)
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stack: kill %s: %w", p.name, err)
	}
	<-exited
	return nil
}

// stop makes the process unwanted and terminates it: SIGTERM to its group, then SIGKILL
// after timeout. It returns once the process is reaped.
func (p *proc) stop(timeout time.Duration) {
	p.mu.Lock()
	p.want = false
	p.cancelRestartLocked()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	pid := cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-exited:
		return
	case <-time.After(timeout):
	}
	p.st.console.noticef("%s did not stop within %s of SIGTERM; killing it", p.name, timeout)
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	<-exited
}

// close stops the process for good.
func (p *proc) close(timeout time.Duration) {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.stop(timeout)
}

// pid returns the running process's id, or 0.
func (p *proc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// restartCount returns how many times the supervisor has restarted the process.
func (p *proc) restartCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.restarts
}

// exitReason renders how a process ended the way a shell user reads it.
func exitReason(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
