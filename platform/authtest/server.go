package authtest

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/tansiq/tansiq/platform/audit"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/server"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

// Server is a service served in process behind the production interceptors.
type Server struct {
	// Conn reaches the server with no credentials of its own: give each call a token
	// with auth.WithBearer (or none, to be refused).
	Conn *grpc.ClientConn
	// Audit is the server's own AuditService, as every deployable serves it.
	Audit auditv1.AuditServiceClient
	// Keys mints the tokens the server accepts, and others.
	Keys *Keys
	// Name is the service name the audit records carry (RecordedBy).
	Name string
}

// Serve serves what register adds, and the AuditService, over bufconn. The interceptors
// are those platform/app installs on every deployable, in its order: the audit recorder
// (writing to db's "audit_records" collection) outside the real Authenticator (trusting Keys'
// Verifier) so refused calls are recorded, then audit capture; all of them after the
// recovery and logging that server.New puts first. The server stops with the test.
func Serve(t testing.TB, name string, db *mongo.Database, register func(*grpc.Server)) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.DiscardHandler)
	keys := NewKeys(t)
	recorder, err := audit.NewRecorder(ctx, db, name, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	authn := &auth.Authenticator{Verifier: keys.Verifier, Logger: log}
	srv := server.New(server.Config{
		Name: name, Logger: log, ShutdownTimeout: 5 * time.Second,
		Unary:  []grpc.UnaryServerInterceptor{recorder.Unary(), authn.Unary(), audit.Capture()},
		Stream: []grpc.StreamServerInterceptor{recorder.Stream(), authn.Stream(), audit.CaptureStream()},
	})
	auditv1.RegisterAuditServiceServer(srv.GRPC, audit.NewService(recorder, pagetoken.New("authtest-page-tokens")))
	register(srv.GRPC)

	lis := bufconn.Listen(1 << 20)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ctx, lis)
	}()
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		cancel()
		<-done
	})
	return &Server{Conn: conn, Audit: auditv1.NewAuditServiceClient(conn), Keys: keys, Name: name}
}

// As returns ctx carrying a good token for id.
func (s *Server) As(t testing.TB, ctx context.Context, id auth.Identity) context.Context {
	t.Helper()
	return auth.WithBearer(ctx, s.Keys.Token(t, id))
}
