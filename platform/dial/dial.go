// Package dial opens client connections between Tansiq processes with the same telemetry
// as the servers, a default deadline on every call that has none, and retries only where
// they are safe: on UNAVAILABLE, with backoff, for the methods the caller names, which
// Retryable reads from the protos' idempotency_level options.
package dial

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/tansiq/tansiq/platform/telemetry"
)

// Config says how to reach a server.
type Config struct {
	// TLS, when set, is used for the connection (with a client certificate for mTLS).
	TLS *tls.Config
	// DefaultTimeout is the deadline given to unary calls that arrive without one (default 10s).
	DefaultTimeout time.Duration
	// Retryable lists "/pkg.Service/Method" or "pkg.Service" names safe to retry on UNAVAILABLE.
	Retryable []string
	// Unary and Stream are extra client interceptors (e.g. forwarding the caller's token).
	Unary  []grpc.UnaryClientInterceptor
	Stream []grpc.StreamClientInterceptor
	// Options are extra dial options (e.g. per-RPC credentials of the service itself).
	Options []grpc.DialOption
}

// New returns a lazily connecting client for target (host:port). It does not block:
// a server that is down shows up as UNAVAILABLE on calls, and the connection recovers
// by itself when the server returns.
func New(target string, cfg Config) (*grpc.ClientConn, error) {
	if cfg.DefaultTimeout == 0 {
		cfg.DefaultTimeout = 10 * time.Second
	}
	creds := insecure.NewCredentials()
	if cfg.TLS != nil {
		creds = credentials.NewTLS(cfg.TLS)
	}
	sc, err := serviceConfig(cfg.Retryable)
	if err != nil {
		return nil, err
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithStatsHandler(telemetry.ClientHandler()),
		grpc.WithDefaultServiceConfig(sc),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 30 * time.Second, Timeout: 10 * time.Second}),
		// Reconnect within seconds of a service coming back, not gRPC's default two minutes.
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: backoff.Config{
			BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 3 * time.Second}}),
		grpc.WithChainUnaryInterceptor(append([]grpc.UnaryClientInterceptor{defaultDeadline(cfg.DefaultTimeout)}, cfg.Unary...)...),
		grpc.WithChainStreamInterceptor(cfg.Stream...),
	}
	conn, err := grpc.NewClient(target, append(opts, cfg.Options...)...)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", target, err)
	}
	return conn, nil
}

func defaultDeadline(d time.Duration) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

type methodName struct {
	Service string `json:"service"`
	Method  string `json:"method,omitempty"`
}

// serviceConfig builds a gRPC service config whose retry policy covers only the named
// methods; grpc-go retries within the call's deadline, so a retry never outlives the caller.
func serviceConfig(retryable []string) (string, error) {
	names := make([]methodName, 0, len(retryable))
	for _, r := range retryable {
		r = strings.TrimPrefix(r, "/")
		svc, method, _ := strings.Cut(r, "/")
		names = append(names, methodName{Service: svc, Method: method})
	}
	type retryPolicy struct {
		MaxAttempts          int      `json:"maxAttempts"`
		InitialBackoff       string   `json:"initialBackoff"`
		MaxBackoff           string   `json:"maxBackoff"`
		BackoffMultiplier    float64  `json:"backoffMultiplier"`
		RetryableStatusCodes []string `json:"retryableStatusCodes"`
	}
	type methodConfig struct {
		Name        []methodName `json:"name"`
		RetryPolicy *retryPolicy `json:"retryPolicy,omitempty"`
	}
	cfg := struct {
		MethodConfig []methodConfig `json:"methodConfig,omitempty"`
	}{}
	if len(names) > 0 {
		cfg.MethodConfig = []methodConfig{{Name: names, RetryPolicy: &retryPolicy{
			MaxAttempts: 5, InitialBackoff: "0.1s", MaxBackoff: "2s", BackoffMultiplier: 2,
			RetryableStatusCodes: []string{"UNAVAILABLE"},
		}}}
	}
	b, err := json.Marshal(cfg)
	return string(b), err
}

// Retryable returns the methods of the services that their protos declare safe to retry
// (option idempotency_level NO_SIDE_EFFECTS or IDEMPOTENT), as "/pkg.Service/Method": the
// one place retry policies come from. A service whose descriptor is not registered (its
// generated package not linked in) is a programming error and panics.
func Retryable(services ...grpc.ServiceDesc) []string {
	var out []string
	for _, s := range services {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(s.ServiceName))
		if err != nil {
			panic(fmt.Sprintf("dial.Retryable: service %s: %v", s.ServiceName, err))
		}
		methods := d.(protoreflect.ServiceDescriptor).Methods()
		for i := range methods.Len() {
			m := methods.Get(i)
			if safeToRetry(m) {
				out = append(out, "/"+s.ServiceName+"/"+string(m.Name()))
			}
		}
	}
	return out
}

// safeToRetry reports whether m's proto declares that a repeat changes nothing more than
// the first call did.
func safeToRetry(m protoreflect.MethodDescriptor) bool {
	opts, _ := m.Options().(*descriptorpb.MethodOptions)
	switch opts.GetIdempotencyLevel() {
	case descriptorpb.MethodOptions_NO_SIDE_EFFECTS, descriptorpb.MethodOptions_IDEMPOTENT:
		return true
	}
	return false
}
