package auth

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
)

// syncBuffer is a log sink safe to read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func reasonOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

func TestAuthenticatorOnProtectedMethods(t *testing.T) {
	tk := newTokens(t)
	var logs syncBuffer
	a := &Authenticator{Verifier: tk.verifier, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	conn := serveBufconn(t, newServer(a, &whoami{}))

	good := tk.mint(t, tk.signer, peshmergaOperator, time.Hour)
	tests := []struct {
		name       string
		auth       []string // authorization metadata values sent
		want       string   // who the handler saw
		wantCode   codes.Code
		wantReason string
		wantMsg    string // exact client-visible message, where it matters that nothing leaks
		wantLog    string // what the server log must say about the refusal
	}{
		{name: "good token", auth: []string{"Bearer " + good},
			want: "forces/peshmerga/people/azad|forces/peshmerga|operator|", wantCode: codes.OK},
		{name: "scheme is case-insensitive", auth: []string{"bearer " + good},
			want: "forces/peshmerga/people/azad|forces/peshmerga|operator|", wantCode: codes.OK},
		{name: "viewer token", auth: []string{"Bearer " + tk.mint(t, tk.signer, iraqiViewer, time.Hour)},
			want: "forces/iraqi-army/people/ali|forces/iraqi-army|viewer|", wantCode: codes.OK},
		{name: "no token", wantCode: codes.Unauthenticated, wantReason: "TOKEN_MISSING"},
		{name: "expired token", auth: []string{"Bearer " + tk.mint(t, tk.signer, peshmergaOperator, -time.Minute)},
			wantCode: codes.Unauthenticated, wantReason: "TOKEN_EXPIRED", wantMsg: "bearer token expired: get a new one"},
		{name: "token signed by an unknown key", auth: []string{"Bearer " + tk.mint(t, tk.stranger, peshmergaOperator, time.Hour)},
			wantCode: codes.Unauthenticated, wantReason: "TOKEN_INVALID", wantMsg: "bearer token invalid", wantLog: "signature is invalid"},
		{name: "token for another audience", auth: []string{"Bearer " + tk.mint(t, NewSigner(tk.signer.key, DefaultIssuer, "elsewhere"), peshmergaOperator, time.Hour)},
			wantCode: codes.Unauthenticated, wantReason: "TOKEN_INVALID", wantMsg: "bearer token invalid", wantLog: "invalid audience"},
		{name: "garbage token", auth: []string{"Bearer abc.def.ghi"},
			wantCode: codes.Unauthenticated, wantReason: "TOKEN_INVALID", wantMsg: "bearer token invalid"},
		{name: "basic scheme", auth: []string{"Basic YWRtaW46YWRtaW4="}, wantCode: codes.Unauthenticated, wantReason: "TOKEN_MALFORMED"},
		{name: "bearer without token", auth: []string{"Bearer "}, wantCode: codes.Unauthenticated, wantReason: "TOKEN_MALFORMED"},
		{name: "two authorization values", auth: []string{"Bearer " + good, "Bearer " + good},
			wantCode: codes.Unauthenticated, wantReason: "TOKEN_MALFORMED"},
	}
	calls := map[string]func(context.Context, *grpc.ClientConn) (string, error){"unary": unaryWho, "stream": streamWho}
	for _, tt := range tests {
		for kind, call := range calls {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				ctx := testContext(t)
				for _, v := range tt.auth {
					ctx = metadata.AppendToOutgoingContext(ctx, AuthorizationHeader, v)
				}
				got, err := call(ctx, conn)
				if code := status.Code(err); code != tt.wantCode {
					t.Fatalf("code: got %v (%v), want %v", code, err, tt.wantCode)
				}
				if got != tt.want {
					t.Errorf("handler saw: got %q, want %q", got, tt.want)
				}
				if r := reasonOf(err); r != tt.wantReason {
					t.Errorf("ErrorInfo reason: got %q, want %q", r, tt.wantReason)
				}
				if tt.wantMsg != "" && status.Convert(err).Message() != tt.wantMsg {
					t.Errorf("message: got %q, want %q", status.Convert(err).Message(), tt.wantMsg)
				}
				if tt.wantLog != "" && !strings.Contains(logs.String(), tt.wantLog) {
					t.Errorf("server log lacks %q:\n%s", tt.wantLog, logs.String())
				}
			})
		}
	}
}

func TestAuthenticatorLeavesOpenMethodsOpen(t *testing.T) {
	tk := newTokens(t)
	a := &Authenticator{Verifier: tk.verifier, OpenMethods: []string{testgrpc.TestService_EmptyCall_FullMethodName}}
	conn := serveBufconn(t, newServer(a, &whoami{}))
	bad := tk.mint(t, tk.stranger, peshmergaOperator, time.Hour)

	health := func(ctx context.Context) error {
		_, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		return err
	}
	reflect := func(ctx context.Context) error {
		st, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
		if err != nil {
			return err
		}
		if err := st.Send(&reflectionpb.ServerReflectionRequest{
			MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
			return err
		}
		_, err = st.Recv()
		return err
	}
	empty := func(ctx context.Context) error {
		_, err := testgrpc.NewTestServiceClient(conn).EmptyCall(ctx, &testgrpc.Empty{})
		return err
	}
	unary := func(ctx context.Context) error { _, err := unaryWho(ctx, conn); return err }
	tests := []struct {
		name string
		call func(context.Context) error
		auth string
		want codes.Code
	}{
		{"health without token", health, "", codes.OK},
		{"health with a bad token", health, "Bearer " + bad, codes.OK},
		{"reflection without token", reflect, "", codes.OK},
		{"method opened by the server without token", empty, "", codes.OK},
		{"protected method beside them without token", unary, "", codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			if tt.auth != "" {
				ctx = metadata.AppendToOutgoingContext(ctx, AuthorizationHeader, tt.auth)
			}
			if got := status.Code(tt.call(ctx)); got != tt.want {
				t.Errorf("code: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAuthenticatorWithoutVerifierRefusesTokens(t *testing.T) {
	tk := newTokens(t)
	conn := serveBufconn(t, newServer(&Authenticator{}, &whoami{}))
	ctx := WithBearer(testContext(t), tk.mint(t, tk.signer, peshmergaOperator, time.Hour))
	_, err := unaryWho(ctx, conn)
	if got, want := status.Code(err), codes.Unauthenticated; got != want {
		t.Errorf("code: got %v, want %v", got, want)
	}
}

func TestBearerCredentials(t *testing.T) {
	tk := newTokens(t)
	token := tk.mint(t, tk.signer, peshmergaOperator, time.Hour)
	srv := newServer(&Authenticator{Verifier: tk.verifier}, &whoami{})
	conn := serveBufconn(t, srv, grpc.WithPerRPCCredentials(BearerCredentials(token, false)))
	got, err := unaryWho(testContext(t), conn)
	if err != nil {
		t.Fatal(err)
	}
	if want := "forces/peshmerga/people/azad|forces/peshmerga|operator|"; got != want {
		t.Errorf("handler saw: got %q, want %q", got, want)
	}

	// A token that must not travel in clear is not sent over plaintext.
	strict, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(BearerCredentials(token, true)))
	if err == nil {
		defer strict.Close()
		_, err = unaryWho(testContext(t), strict)
	}
	if err == nil {
		t.Error("token requiring TLS was sent over plaintext")
	}
}

// TestOpenMethodsKnowCallersWithGoodTokens: a call to an open method that carries a good
// token is made by that caller, not by an anonymous one, so it counts against the caller's
// own budget (issue 13, row 8: anonymous reflection streams used up the budget of token
// holders, whose grpcurl calls reflection before every call). A bad token leaves it open
// and anonymous.
func TestOpenMethodsKnowCallersWithGoodTokens(t *testing.T) {
	tk := newTokens(t)
	a := &Authenticator{Verifier: tk.verifier}
	const method = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
	tests := []struct {
		name, auth string
		want       string
	}{
		{"good token", "Bearer " + tk.mint(t, tk.signer, peshmergaOperator, time.Hour), peshmergaOperator.Subject},
		{"bad token", "Bearer " + tk.mint(t, tk.stranger, peshmergaOperator, time.Hour), ""},
		{"no token", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := metadata.MD{}
			if tt.auth != "" {
				md.Set(AuthorizationHeader, tt.auth)
			}
			ctx, err := a.Authenticate(metadata.NewIncomingContext(context.Background(), md), method)
			if err != nil {
				t.Fatalf("open method refused: %v", err)
			}
			id, _ := FromContext(ctx)
			if id.Subject != tt.want {
				t.Errorf("caller %q, want %q", id.Subject, tt.want)
			}
		})
	}
}
