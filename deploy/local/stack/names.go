package stack

// Names of the processes of the stack, as Addr, Kill, Stop, Start, Pid and Config.Ports
// and Config.Env know them.
const (
	Store    = "store"
	Incident = "incident"
	Forces   = "forces"
	Meeting  = "meeting"
	Gateway  = "gateway"
	// Web is not a process: it names the port on which the gateway serves the web app, in
	// Config.Ports, DefaultPort and FreePorts.
	Web = "web"
)

// order is the start order: the store before the services that use it, the forces service
// before the meeting service that calls it, the gateway last since it forwards to all.
// Close stops in the reverse order.
var order = []string{Store, Incident, Forces, Meeting, Gateway}

// defaultPorts are the loopback ports of `make run`. The store has none: it serves on a
// Unix socket in its data directory, which only this user can open.
var defaultPorts = map[string]int{Gateway: 7000, Incident: 7001, Forces: 7002, Meeting: 7003, Store: 0, Web: 7080}

// Names returns every process the stack knows, in start order, whether or not its binary
// exists.
func Names() []string { return append([]string(nil), order...) }

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

func known(name string) bool {
	return name != Web && knownPort(name)
}

func knownPort(name string) bool {
	_, ok := defaultPorts[name]
	return ok
}
