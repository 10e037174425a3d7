package limits

import (
	"context"
	"net"

	"google.golang.org/grpc/peer"

	"github.com/tansiq/tansiq/platform/auth"
)

// callerOf names who a call counts against: the subject of the verified token, or the
// address the call came from when it carries no identity (open methods such as
// reflection, or a server running without authentication). The host alone, not the port:
// a caller does not get a fresh budget by opening another connection.
func callerOf(ctx context.Context) string {
	if id, ok := auth.FromContext(ctx); ok && id.Subject != "" {
		return "subject:" + id.Subject
	}
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return "peer:unknown"
	}
	addr := p.Addr.String()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	return "peer:" + addr
}
