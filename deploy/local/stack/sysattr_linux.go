package stack

import "syscall"

// sysProcAttr puts each child in its own process group, so that it and anything it starts
// are signalled together and a Ctrl-C at the terminal reaches the supervisor alone (which
// then stops the children in order), and has the kernel kill it if the supervisor dies
// without cleaning up (a panic, SIGKILL).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
