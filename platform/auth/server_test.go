package auth

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/test/bufconn"
)

// whoami is a test service that answers with the identity the authenticator established,
// or, with next set, relays the call there from its own context (a service calling another).
type whoami struct {
	testgrpc.UnimplementedTestServiceServer
	next testgrpc.TestServiceClient
}

// describe renders what a handler knows about its caller.
func describe(id Identity) string {
	return fmt.Sprintf("%s|%s|%s|%s", id.Subject, id.Force, id.Role, id.Via)
}

func (w *whoami) UnaryCall(ctx context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	if w.next != nil {
		return w.next.UnaryCall(ctx, req)
	}
	id, ok := FromContext(ctx)
	if !ok {
		return &testgrpc.SimpleResponse{Username: "no identity"}, nil
	}
	return &testgrpc.SimpleResponse{Username: describe(id)}, nil
}

func (w *whoami) StreamingOutputCall(req *testgrpc.StreamingOutputCallRequest, ss testgrpc.TestService_StreamingOutputCallServer) error {
	if w.next != nil {
		up, err := w.next.StreamingOutputCall(ss.Context(), req)
		if err != nil {
			return err
		}
		resp, err := up.Recv()
		if err != nil {
			return err
		}
		return ss.Send(resp)
	}
	body := "no identity"
	if id, ok := FromContext(ss.Context()); ok {
		body = describe(id)
	}
	return ss.Send(&testgrpc.StreamingOutputCallResponse{Payload: &testgrpc.Payload{Body: []byte(body)}})
}

// EmptyCall stands for a method a server chooses to leave open.
func (w *whoami) EmptyCall(context.Context, *testgrpc.Empty) (*testgrpc.Empty, error) {
	return &testgrpc.Empty{}, nil
}

// newServer builds a gRPC server with a, health, reflection and svc.
func newServer(a *Authenticator, svc testgrpc.TestServiceServer, opts ...grpc.ServerOption) *grpc.Server {
	s := grpc.NewServer(append(opts, grpc.ChainUnaryInterceptor(a.Unary()), grpc.ChainStreamInterceptor(a.Stream()))...)
	healthpb.RegisterHealthServer(s, health.NewServer())
	reflection.Register(s)
	testgrpc.RegisterTestServiceServer(s, svc)
	return s
}

// serveBufconn serves s in process and returns a client connection to it.
func serveBufconn(t *testing.T, s *grpc.Server, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	opts = append([]grpc.DialOption{
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
	}, opts...)
	conn, err := grpc.NewClient("passthrough:///bufnet", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// serveTLS serves s on a loopback port with TLS and returns a dialer for it.
func serveTLS(t *testing.T, s *grpc.Server) func(creds credentials.TransportCredentials) *grpc.ClientConn {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	return func(creds credentials.TransportCredentials) *grpc.ClientConn {
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(creds))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
}

// tokens mints the tokens the tests present, all verifiable by the returned verifier (whose
// clock is the real one, since the gRPC tests run in real time).
type tokens struct {
	verifier *Verifier
	signer   *Signer
	stranger *Signer // a key nobody trusts
}

func newTokens(t *testing.T) tokens {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	v, err := NewVerifier(VerifierConfig{PublicKeys: []ed25519.PublicKey{pub}, Issuer: DefaultIssuer, Audience: DefaultAudience})
	if err != nil {
		t.Fatal(err)
	}
	return tokens{verifier: v, signer: NewSigner(priv, DefaultIssuer, DefaultAudience),
		stranger: NewSigner(otherPriv, DefaultIssuer, DefaultAudience)}
}

func (tk tokens) mint(t *testing.T, s *Signer, id Identity, ttl time.Duration) string {
	t.Helper()
	if ttl < 0 { // an expired token: minted 2|ttl| ago, expired |ttl| ago
		minted := time.Now().Add(2 * ttl)
		s = &Signer{key: s.key, issuer: s.issuer, audience: s.audience, now: func() time.Time { return minted }}
		ttl = -ttl
	}
	tok, err := s.Mint(id, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

var (
	peshmergaOperator = Identity{Subject: "forces/peshmerga/people/azad", Force: "forces/peshmerga", Role: RoleOperator, DisplayName: "Azad"}
	iraqiViewer       = Identity{Subject: "forces/iraqi-army/people/ali", Force: "forces/iraqi-army", Role: RoleViewer, DisplayName: "Ali"}
)

// unaryWho calls UnaryCall and returns who the server says called.
func unaryWho(ctx context.Context, conn *grpc.ClientConn) (string, error) {
	resp, err := testgrpc.NewTestServiceClient(conn).UnaryCall(ctx, &testgrpc.SimpleRequest{})
	return resp.GetUsername(), err
}

// streamWho calls StreamingOutputCall and returns who the server says called.
func streamWho(ctx context.Context, conn *grpc.ClientConn) (string, error) {
	st, err := testgrpc.NewTestServiceClient(conn).StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{})
	if err != nil {
		return "", err
	}
	resp, err := st.Recv()
	return string(resp.GetPayload().GetBody()), err
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}
