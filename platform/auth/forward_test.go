package auth

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// TestForwardCarriesTheCallersToken runs a caller -> front service -> back service chain,
// both services verifying tokens, as the meeting service calls forces on a person's behalf.
func TestForwardCarriesTheCallersToken(t *testing.T) {
	tk := newTokens(t)
	a := &Authenticator{Verifier: tk.verifier}
	back := serveBufconn(t, newServer(a, &whoami{}))
	backForwarding := serveBufconn(t, newServer(a, &whoami{}),
		grpc.WithChainUnaryInterceptor(ForwardUnary()), grpc.WithChainStreamInterceptor(ForwardStream()))
	front := serveBufconn(t, newServer(a, &whoami{next: testgrpc.NewTestServiceClient(backForwarding)}))
	frontNotForwarding := serveBufconn(t, newServer(a, &whoami{next: testgrpc.NewTestServiceClient(back)}))

	token := tk.mint(t, tk.signer, peshmergaOperator, time.Hour)
	tests := []struct {
		name     string
		conn     *grpc.ClientConn
		call     func(context.Context, *grpc.ClientConn) (string, error)
		want     string
		wantCode codes.Code
	}{
		{"unary, forwarded", front, unaryWho, "forces/peshmerga/people/azad|forces/peshmerga|operator|", codes.OK},
		{"stream, forwarded", front, streamWho, "forces/peshmerga/people/azad|forces/peshmerga|operator|", codes.OK},
		{"unary, not forwarded", frontNotForwarding, unaryWho, "", codes.Unauthenticated},
		{"stream, not forwarded", frontNotForwarding, streamWho, "", codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call(WithBearer(testContext(t), token), tt.conn)
			if code := status.Code(err); code != tt.wantCode {
				t.Fatalf("code: got %v (%v), want %v", code, err, tt.wantCode)
			}
			if got != tt.want {
				t.Errorf("back service saw: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestForwardToken(t *testing.T) {
	tests := []struct {
		name     string
		incoming []string
		outgoing []string
		want     []string
	}{
		{"incoming token is copied", []string{"Bearer a"}, nil, []string{"Bearer a"}},
		{"nothing incoming, nothing sent", nil, nil, nil},
		{"an explicit outgoing token wins", []string{"Bearer a"}, []string{"Bearer mine"}, []string{"Bearer mine"}},
		{"ambiguous incoming values are not forwarded", []string{"Bearer a", "Bearer b"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.incoming != nil {
				ctx = metadata.NewIncomingContext(ctx, metadata.MD{AuthorizationHeader: tt.incoming})
			}
			for _, v := range tt.outgoing {
				ctx = metadata.AppendToOutgoingContext(ctx, AuthorizationHeader, v)
			}
			out, _ := metadata.FromOutgoingContext(forwardToken(ctx))
			if got := out.Get(AuthorizationHeader); !slices.Equal(got, tt.want) {
				t.Errorf("outgoing authorization: got %q, want %q", got, tt.want)
			}
		})
	}
}
