//go:build unix && !linux

package stack

import "syscall"

// sysProcAttr puts each child in its own process group, so that it and anything it starts
// are signalled together and a Ctrl-C at the terminal reaches the supervisor alone. Only
// Linux can also tie a child's life to the supervisor's.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
