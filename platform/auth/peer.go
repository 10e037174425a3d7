package auth

import (
	"context"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"

	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// PeerService returns the service named by the caller's client certificate, if the
// connection is TLS and the certificate was verified against the server's client CA (see
// tlsconfig.Server): the name in its spiffe://tansiq/service/<name> URI SAN, or its CN.
// Unverified certificates name nobody.
func PeerService(ctx context.Context) (string, bool) {
	p, ok := peer.FromContext(ctx)
	if !ok || p.AuthInfo == nil {
		return "", false
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return "", false
	}
	return tlsconfig.ServiceName(info.State.VerifiedChains[0][0])
}
