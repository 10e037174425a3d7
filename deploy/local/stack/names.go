package stack

import "slices"

// Names of the processes of the stack, as Addr, Kill, Stop, Start, Pid and Config.Ports
// and Config.Env know them.
const (
	Store    = "store"
	Incident = "incident"
	Forces   = "forces"
	Meeting  = "meeting"
	Gateway  = "gateway"
	// CoTBridge serves the picture to TAK devices; its own port serves gRPC health, and
	// it serves streaming CoT on the CoTTCP and CoTTLS ports.
	CoTBridge = "cotbridge"
)

// Names of the ports a process serves besides its own, in Config.Ports, DefaultPort,
// FreePorts and Addr; none is a process.
const (
	Web    = "web"     // the gateway's web app
	CoTTCP = "cot-tcp" // the CoT bridge's streaming CoT XML over plain TCP
	CoTTLS = "cot-tls" // the CoT bridge's streaming CoT over TLS with client certificates
)

// order is the start order: the store before the services that use it, the forces service
// before the meeting service that calls it, the gateway since it forwards to all, then
// the CoT bridge, a client of the gateway.
// Close stops in the reverse order.
var order = []string{Store, Incident, Forces, Meeting, Gateway, CoTBridge}

// defaultPorts are the loopback ports of `make run`. The store has none: it serves on a
// Unix socket in its data directory, which only this user can open. The CoT ports are
// those TAK clients expect of a TAK server.
var defaultPorts = map[string]int{Gateway: 7000, Incident: 7001, Forces: 7002, Meeting: 7003, Store: 0,
	Web: 7080, CoTBridge: 7087, CoTTCP: 8087, CoTTLS: 8089}

// extraPorts are the ports a process serves besides its own.
var extraPorts = map[string][]string{Gateway: {Web}, CoTBridge: {CoTTCP, CoTTLS}}

// Names returns every process the stack knows, in start order, whether or not its binary
// exists.
func Names() []string { return append([]string(nil), order...) }

// PortNames returns every port the stack knows: each process's own and the extra ports
// some serve (Web, CoTTCP, CoTTLS), for Config.Ports.
func PortNames() []string {
	var names []string
	for _, p := range order {
		names = append(names, p)
		names = append(names, extraPorts[p]...)
	}
	return names
}

// DefaultPort returns the port the named process listens on when Config.Ports does not
// say, or 0 for an unknown name.
func DefaultPort(name string) int { return defaultPorts[name] }

// Binary returns the file name, inside Config.BinDir, of the binary that runs the named
// process.
func Binary(name string) string {
	if name == Store {
		return "tansiq-store"
	}
	return name
}

// All names every process of the stack, in start order.
func All() []string { return slices.Clone(order) }

func known(name string) bool {
	return slices.Contains(order, name)
}

func knownPort(name string) bool {
	_, ok := defaultPorts[name]
	return ok
}
