package stack

import (
	"fmt"
	"net"
)

// FreePorts returns a free loopback port for every port of the stack (PortNames), for
// tests that
// run beside `make run` or each other. The ports are free when chosen; another program
// could take one before the stack does, which is rare enough for tests.
func FreePorts() (map[string]int, error) {
	ports := make(map[string]int, len(order))
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	// Hold every listener until all are chosen, so that no two names get the same port.
	for _, name := range PortNames() {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("stack: free port: %w", err)
		}
		held = append(held, l)
		ports[name] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}
