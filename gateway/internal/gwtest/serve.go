package gwtest

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/auth"
)

// identityKey is the metadata key a test caller names itself with: "subject|force|role".
const identityKey = "x-test-identity"

// The identities tests use.
var (
	PeshmergaOperator = auth.Identity{Subject: "forces/peshmerga/people/sirwan-barzani", Force: "forces/peshmerga", Role: auth.RoleOperator}
	IraqiOperator     = auth.Identity{Subject: "forces/iraqi-army/people/abdul-amir-al-shammari", Force: "forces/iraqi-army", Role: auth.RoleOperator}
	IraqiViewer       = auth.Identity{Subject: "forces/iraqi-army/people/clerk", Force: "forces/iraqi-army", Role: auth.RoleViewer}
	OtherOperator     = auth.Identity{Subject: "forces/other/people/someone", Force: "forces/other", Role: auth.RoleOperator}
)

// As returns ctx for a call made as id.
func As(ctx context.Context, id auth.Identity) context.Context {
	return metadata.AppendToOutgoingContext(ctx, identityKey, id.Subject+"|"+id.Force+"|"+string(id.Role))
}

// fromMetadata puts the identity the caller named in the server context; a caller that
// names none is served with authorization disabled, as with --insecure-no-auth.
func fromMetadata(ctx context.Context) context.Context {
	v := metadata.ValueFromIncomingContext(ctx, identityKey)
	if len(v) != 1 {
		return access.Disable(ctx)
	}
	parts := strings.SplitN(v[0], "|", 3)
	if len(parts) != 3 {
		return ctx
	}
	return auth.WithIdentity(ctx, auth.Identity{Subject: parts[0], Force: parts[1], Role: auth.Role(parts[2])})
}

type identityStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *identityStream) Context() context.Context { return s.ctx }

// Serve starts a gRPC server over bufconn with what register adds, stopped at the end of
// the test, and returns a client connection to it.
func Serve(t testing.TB, register func(*grpc.Server)) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
			return next(fromMetadata(ctx), req)
		}),
		grpc.StreamInterceptor(func(s any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, next grpc.StreamHandler) error {
			return next(s, &identityStream{ServerStream: ss, ctx: fromMetadata(ss.Context())})
		}))
	register(srv)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// Context returns a context ending with the test, or after a minute.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// Eventually calls cond until it holds, failing the test after 15 seconds.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
