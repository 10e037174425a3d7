package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/dial"
	"github.com/tansiq/tansiq/platform/server"
	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// security holds the TLS and token settings shared by every deployable.
type security struct {
	tlsCert, tlsKey, tlsClientCA         *string
	clientCert, clientKey, clientCA      *string
	jwtPublicKey, jwtIssuer, jwtAudience *string
	jwtForces                            *string
	jwtMaxLife, jwtMaxServiceLife        *time.Duration
	insecureNoAuth                       *bool
	serviceToken                         *string
	clientTLS                            *dial.Config
}

func securityFlags(fs *flag.FlagSet) *security {
	return &security{
		tlsCert:           config.String(fs, "tls-cert", "TANSIQ_TLS_CERT_FILE", "", "server certificate (PEM); empty serves plaintext"),
		tlsKey:            config.String(fs, "tls-key", "TANSIQ_TLS_KEY_FILE", "", "server private key (PEM)"),
		tlsClientCA:       config.String(fs, "tls-client-ca", "TANSIQ_TLS_CLIENT_CA_FILE", "", "CA that client certificates must chain to (enables mTLS)"),
		clientCert:        config.String(fs, "tls-dial-cert", "TANSIQ_TLS_DIAL_CERT_FILE", "", "client certificate for calls to other services (mTLS)"),
		clientKey:         config.String(fs, "tls-dial-key", "TANSIQ_TLS_DIAL_KEY_FILE", "", "client key for calls to other services"),
		clientCA:          config.String(fs, "tls-dial-ca", "TANSIQ_TLS_DIAL_CA_FILE", "", "CA that other services' certificates chain to; set to call them over TLS"),
		jwtPublicKey:      config.String(fs, "jwt-public-key", "TANSIQ_JWT_PUBLIC_KEY_FILE", "", "Ed25519 public key(s) (PEM) that bearer tokens are verified with"),
		jwtIssuer:         config.String(fs, "jwt-issuer", "TANSIQ_JWT_ISSUER", auth.DefaultIssuer, "required token issuer"),
		jwtAudience:       config.String(fs, "jwt-audience", "TANSIQ_JWT_AUDIENCE", auth.DefaultAudience, "required token audience"),
		jwtForces:         config.String(fs, "jwt-forces", "TANSIQ_JWT_FORCES", strings.Join(auth.DefaultForces, ","), "comma-separated forces whose people may call; tokens naming another force are refused"),
		jwtMaxLife:        config.Duration(fs, "jwt-max-lifetime", "TANSIQ_JWT_MAX_LIFETIME", auth.DefaultMaxLifetime, "longest lifetime (exp - iat) accepted in a person's token"),
		jwtMaxServiceLife: config.Duration(fs, "jwt-max-service-lifetime", "TANSIQ_JWT_MAX_SERVICE_LIFETIME", auth.DefaultMaxServiceLifetime, "longest lifetime accepted in a service's token"),
		serviceToken:      config.String(fs, "service-token-file", "TANSIQ_SERVICE_TOKEN_FILE", "", "file with this service's own bearer token, for the calls it makes on its own behalf"),
		insecureNoAuth:    config.Bool(fs, "insecure-no-auth", "TANSIQ_INSECURE_NO_AUTH", false, "serve without authentication (tests and demos only)"),
	}
}

// apply configures TLS and authentication on the server config, and the TLS of the
// clients this process opens to other services.
func (s *security) apply(cfg *server.Config, log *slog.Logger) error {
	if *s.tlsCert != "" || *s.tlsKey != "" {
		t, err := tlsconfig.Server(tlsconfig.Files{Cert: *s.tlsCert, Key: *s.tlsKey, CA: *s.tlsClientCA})
		if err != nil {
			return fmt.Errorf("server TLS: %w", err)
		}
		cfg.TLS = t
	}
	s.clientTLS = &dial.Config{Unary: []grpc.UnaryClientInterceptor{auth.ForwardUnary()}, Stream: []grpc.StreamClientInterceptor{auth.ForwardStream()}}
	if *s.clientCA != "" {
		t, err := tlsconfig.Client(tlsconfig.Files{Cert: *s.clientCert, Key: *s.clientKey, CA: *s.clientCA})
		if err != nil {
			return fmt.Errorf("client TLS: %w", err)
		}
		s.clientTLS.TLS = t
	}
	if *s.insecureNoAuth {
		log.Warn("authentication is OFF: every caller is trusted (--insecure-no-auth)")
		cfg.Unary = append(cfg.Unary, func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			return h(access.Disable(ctx), req)
		})
		cfg.Stream = append(cfg.Stream, func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, &contextStream{ServerStream: ss, ctx: access.Disable(ss.Context())})
		})
		return nil
	}
	if *s.jwtPublicKey == "" {
		return errors.New("no --jwt-public-key: set one, or --insecure-no-auth for a demo without authentication")
	}
	keys, err := auth.LoadPublicKeys(*s.jwtPublicKey)
	if err != nil {
		return err
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{PublicKeys: keys, Issuer: *s.jwtIssuer, Audience: *s.jwtAudience,
		Forces: strings.Split(*s.jwtForces, ","), MaxLifetime: *s.jwtMaxLife, MaxServiceLifetime: *s.jwtMaxServiceLife})
	if err != nil {
		return err
	}
	a := &auth.Authenticator{Verifier: v, Logger: log}
	cfg.Unary = append(cfg.Unary, a.Unary())
	cfg.Stream = append(cfg.Stream, a.Stream())
	return nil
}

// dialer opens connections to other services with this process's client TLS and with the
// caller's token forwarded, so the callee authorizes the original caller.
func (s *security) dial(target string, retryable ...string) (*grpc.ClientConn, error) {
	c := *s.clientTLS
	c.Retryable = retryable
	return dial.New(target, c)
}

// contextStream is a server stream with a replaced context.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *contextStream) Context() context.Context { return s.ctx }

// dialService opens a connection for calls the process makes on its own behalf (the
// gateway following the incident stream): they carry the service's own token when one is
// configured, or rely on its mTLS client certificate.
func (s *security) dialService(target string, retryable ...string) (*grpc.ClientConn, error) {
	c := *s.clientTLS
	c.Unary, c.Stream = nil, nil
	c.Retryable = retryable
	if *s.serviceToken != "" {
		b, err := os.ReadFile(*s.serviceToken)
		if err != nil {
			return nil, fmt.Errorf("service token: %w", err)
		}
		c.Options = append(c.Options, grpc.WithPerRPCCredentials(auth.BearerCredentials(strings.TrimSpace(string(b)), c.TLS != nil)))
	}
	return dial.New(target, c)
}
