package auth

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// AuthorizationHeader is the metadata key carrying "Bearer <jwt>".
const AuthorizationHeader = "authorization"

// ErrorDomain is the google.rpc.ErrorInfo domain of authentication failures.
const ErrorDomain = "tansiq.auth"

// openPrefixes are served to anyone: probes and grpcurl must work without a token. A
// server that must not describe itself turns reflection off instead (server.Config).
var openPrefixes = []string{"/grpc.health.v1.", "/grpc.reflection."}

// Authenticator establishes who is calling before any handler runs. A call is accepted
//   - with a valid bearer token: the identity is the token's, whether the token came
//     straight from the person or was forwarded by the gateway (Via then names the
//     forwarding service when its client certificate was verified);
//   - without a token, over mTLS with a verified service certificate: the service's own
//     identity (RoleService);
//
// and refused with UNAUTHENTICATED otherwise. A token that is present but bad is refused
// even when a service certificate would have sufficed: presented credentials must be good.
// Methods under /grpc.health.v1. and /grpc.reflection. (and OpenMethods) need nothing.
type Authenticator struct {
	// Verifier checks bearer tokens; nil refuses every token (mTLS-only servers).
	Verifier *Verifier
	// OpenMethods are further full-method prefixes served without credentials.
	OpenMethods []string
	// Logger records why a token was refused, which clients are not told; nil means slog.Default().
	Logger *slog.Logger
}

// Unary returns the unary server interceptor.
func (a *Authenticator) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		ctx, err := a.Authenticate(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
}

// Stream returns the stream server interceptor. It also covers a gateway's
// grpc.UnknownServiceHandler, which gRPC runs through the stream interceptors.
func (a *Authenticator) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx, err := a.Authenticate(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return h(srv, &identityStream{ServerStream: ss, ctx: ctx})
	}
}

type identityStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *identityStream) Context() context.Context { return s.ctx }

// Authenticate returns ctx with the caller's Identity, or a status error with
// UNAUTHENTICATED. Open methods are served to anyone, with the identity when the
// credentials are good.
func (a *Authenticator) Authenticate(ctx context.Context, fullMethod string) (context.Context, error) {
	if a.isOpen(fullMethod) {
		// Open to all; but a caller who presents good credentials is still known by
		// them, so its calls (grpcurl's reflection before each call) count against its
		// own budget, not the anonymous one it would share with strangers.
		if known, err := a.authenticate(ctx, fullMethod); err == nil {
			return known, nil
		}
		return ctx, nil
	}
	return a.authenticate(ctx, fullMethod)
}

func (a *Authenticator) authenticate(ctx context.Context, fullMethod string) (context.Context, error) {
	service, viaMTLS := PeerService(ctx)
	values := metadata.ValueFromIncomingContext(ctx, AuthorizationHeader)
	switch {
	case len(values) == 0 && viaMTLS:
		return WithIdentity(ctx, ServiceIdentity(service)), nil
	case len(values) == 0:
		return nil, unauthenticated("TOKEN_MISSING", "missing credentials: send metadata \"authorization: Bearer <token>\"")
	case len(values) > 1:
		return nil, unauthenticated("TOKEN_MALFORMED", "more than one authorization value")
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, unauthenticated("TOKEN_MALFORMED", "authorization must be \"Bearer <token>\"")
	}
	if a.Verifier == nil {
		return nil, unauthenticated("TOKEN_INVALID", "this server accepts no bearer tokens")
	}
	id, err := a.Verifier.Verify(strings.TrimSpace(token))
	if err != nil {
		a.logger().InfoContext(ctx, "token refused", "method", fullMethod, "reason", err.Error())
		switch {
		case errors.Is(err, ErrTokenExpired):
			return nil, unauthenticated("TOKEN_EXPIRED", "bearer token expired: get a new one")
		case errors.Is(err, ErrTokenNotYetValid):
			return nil, unauthenticated("TOKEN_NOT_YET_VALID", "bearer token not yet valid: check the clocks")
		default:
			// The same words for a bad signature, issuer, audience or claim: a prober learns
			// nothing about which check failed. The log says.
			return nil, unauthenticated("TOKEN_INVALID", "bearer token invalid")
		}
	}
	if viaMTLS {
		id.Via = service
	}
	return WithIdentity(ctx, id), nil
}

func (a *Authenticator) isOpen(method string) bool {
	for _, p := range openPrefixes {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	for _, p := range a.OpenMethods {
		if p != "" && strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

func (a *Authenticator) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// unauthenticated builds the UNAUTHENTICATED status with a google.rpc.ErrorInfo whose
// reason clients may switch on (AIP-193).
func unauthenticated(reason, msg string) error {
	st := status.New(codes.Unauthenticated, msg)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}); err == nil {
		st = d
	}
	return st.Err()
}
