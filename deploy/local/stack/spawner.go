package stack

import (
	"errors"
	"os/exec"
	"runtime"
)

// spawner starts every child from one OS thread that lives as long as the stack. On Linux
// a child is given Pdeathsig, which fires when the thread that started it exits, not the
// process: starting children from whatever thread a goroutine happens to run on would let
// a child be killed when the Go runtime retires that thread. A locked thread is retired
// only when its goroutine ends, here at Close, after every child is gone.
type spawner struct {
	reqs chan spawnRequest
	done chan struct{}
}

type spawnRequest struct {
	cmd *exec.Cmd
	err chan<- error
}

var errSpawnerClosed = errors.New("stack: closed")

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnRequest), done: make(chan struct{})}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread goes away with the goroutine
		defer close(s.done)
		for r := range s.reqs {
			r.err <- r.cmd.Start()
		}
	}()
	return s
}

// start runs cmd.Start on the spawner's thread.
func (s *spawner) start(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	select {
	case s.reqs <- spawnRequest{cmd: cmd, err: errc}:
		return <-errc
	case <-s.done:
		return errSpawnerClosed
	}
}

// close ends the spawner; no start may be in progress or follow.
func (s *spawner) close() {
	close(s.reqs)
	<-s.done
}
