package auth

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
)

// ForwardUnary returns a client interceptor that sends the incoming call's bearer token on
// with each outgoing call made from its context, so the service called next verifies the
// original caller's token itself (the meeting service calling forces acts as the person who
// called it, not as itself). A call that already carries an authorization value is left
// alone; a context without an incoming token sends none, and the callee then sees the
// calling service's own certificate identity, if any.
func ForwardUnary() grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		return invoker(forwardToken(ctx), method, req, reply, cc, opts...)
	}
}

// ForwardStream is ForwardUnary for streaming calls.
func ForwardStream() grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		return streamer(forwardToken(ctx), desc, cc, method, opts...)
	}
}

func forwardToken(ctx context.Context) context.Context {
	if len(metadata.ValueFromOutgoingContext(ctx, AuthorizationHeader)) > 0 {
		return ctx // the only value looked up: the outgoing metadata is not copied
	}
	in := metadata.ValueFromIncomingContext(ctx, AuthorizationHeader)
	if len(in) != 1 {
		// Zero: nothing to forward. Several: the authenticator refused such a call already;
		// forwarding an ambiguous credential would only move the question downstream.
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, AuthorizationHeader, in[0])
}

// WithBearer returns ctx with token attached to outgoing calls as "authorization: Bearer
// <token>", for clients that hold a token of their own (CLI, tests, a service's own token).
func WithBearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, AuthorizationHeader, "Bearer "+token)
}

// BearerCredentials returns per-RPC credentials sending token on every call of a
// connection (grpc.WithPerRPCCredentials). With requireTLS, gRPC refuses to send the token
// over a plaintext connection; development on loopback passes false.
func BearerCredentials(token string, requireTLS bool) credentials.PerRPCCredentials {
	return bearer{token: token, requireTLS: requireTLS}
}

type bearer struct {
	token      string
	requireTLS bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{AuthorizationHeader: "Bearer " + b.token}, nil
}

func (b bearer) RequireTransportSecurity() bool { return b.requireTLS }
