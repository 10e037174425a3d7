package edge

import (
	"google.golang.org/grpc"
)

// Backend is one service process the gateway forwards to.
type Backend struct {
	// Addr is host:port; an empty address leaves its APIs unrouted.
	Addr string
	// Services are the fully qualified service names it serves.
	Services []string
	// Retryable lists the methods safe to retry on UNAVAILABLE (dial.Retryable).
	Retryable []string
}

// Dialer opens a connection to a backend.
type Dialer func(target string, retryable ...string) (*grpc.ClientConn, error)

// Connect dials every backend with an address and returns the routes to them. The
// connections belong to dial's owner, which closes them (the gateway's app.Runtime, when the
// gateway stops); on an error, Connect closes those it opened.
func Connect(dial Dialer, backends []Backend) (Routes, error) {
	routes := Routes{}
	var conns []*grpc.ClientConn
	for _, b := range backends {
		if b.Addr == "" {
			continue
		}
		conn, err := dial(b.Addr, b.Retryable...)
		if err != nil {
			for _, c := range conns {
				_ = c.Close()
			}
			return nil, err
		}
		conns = append(conns, conn)
		for _, s := range b.Services {
			routes[s] = conn
		}
	}
	return routes, nil
}
