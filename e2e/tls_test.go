package e2e

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/deploy/local/stack"
	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/tlsconfig"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestTLS runs a system of its own with TLS on, as `make run --tls` does: the gateway
// serves TLS with the development CA, and the services behind it demand client
// certificates (mTLS).
func TestTLS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	sys, err := harness.Start(ctx, dir, func(c *stack.Config) { c.TLS = true; c.Seed = false })
	if err != nil {
		t.Fatalf("start a system with TLS: %v", err)
	}
	defer sys.Close()
	if sys.CACert() == "" {
		t.Fatal("the stack reports no CA certificate with TLS on")
	}
	dev := tlsconfig.Dev{Dir: filepath.Join(dir, "tls")}
	stranger, err := tlsconfig.GenerateDev(filepath.Join(t.TempDir(), "other-pki"), stack.Gateway)
	if err != nil {
		t.Fatal(err)
	}
	token := sys.Token("e2e-tls-operator", harness.Peshmerga, auth.RoleOperator)

	trustCA := clientTLS(t, tlsconfig.Files{CA: sys.CACert()})
	withCert := clientTLS(t, dev.ClientFiles(stack.Gateway))
	tests := []struct {
		name    string
		process string
		creds   credentials.TransportCredentials
		token   string
		want    codes.Code
	}{
		{"gateway, trusting the CA", stack.Gateway, credentials.NewTLS(trustCA), token, codes.OK},
		{"gateway, plaintext to the TLS port", stack.Gateway, insecure.NewCredentials(), "", codes.Unavailable},
		{"gateway, trusting an unknown CA", stack.Gateway, credentials.NewTLS(clientTLS(t, tlsconfig.Files{CA: stranger.CACert()})), token, codes.Unavailable},
		{"service directly, without a client certificate", stack.Incident, credentials.NewTLS(trustCA), token, codes.Unavailable},
		{"service directly, with a service's client certificate", stack.Incident, credentials.NewTLS(withCert), token, codes.OK},
		{"service directly, certificate of an unknown CA", stack.Incident,
			credentials.NewTLS(clientTLS(t, tlsconfig.Files{Cert: stranger.ClientFiles("gateway").Cert, Key: stranger.ClientFiles("gateway").Key, CA: sys.CACert()})),
			token, codes.Unavailable},
		{"service directly, plaintext", stack.Incident, insecure.NewCredentials(), "", codes.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, sys.Addr(tt.process), tt.creds, tt.token)
			callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_, err := incidentv1.NewIncidentServiceClient(c).ListIncidents(callCtx, &incidentv1.ListIncidentsRequest{})
			if status.Code(err) != tt.want {
				t.Errorf("ListIncidents: %v, want %v", err, tt.want)
			}
			// Health is open to anyone who gets through the handshake, and to no one else.
			_, err = healthpb.NewHealthClient(c).Check(callCtx, &healthpb.HealthCheckRequest{})
			if status.Code(err) != tt.want {
				t.Errorf("health: %v, want %v", err, tt.want)
			}
		})
	}

	// A service's certificate alone identifies the service, which reads but changes nothing
	// on its own behalf; a person's token over the same connection may.
	t.Run("service certificate without a token", func(t *testing.T) {
		c := incidentv1.NewIncidentServiceClient(dial(t, sys.Addr(stack.Incident), credentials.NewTLS(withCert), ""))
		if _, err := c.ListIncidents(ctx, &incidentv1.ListIncidentsRequest{}); err != nil {
			t.Errorf("read with a service certificate: %v", err)
		}
		in := ied("Makhmour", time.Date(2021, 12, 8, 4, 0, 0, 0, time.UTC))
		_, err := c.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: in})
		if _, reason := wantCode(t, err, codes.PermissionDenied); reason != auth.ReasonReadOnlyRole {
			t.Errorf("reason %q, want %q", reason, auth.ReasonReadOnlyRole)
		}
	})
	// The gateway reaches the services over mTLS: a call through it is served.
	t.Run("through the gateway to a service", func(t *testing.T) {
		c := incidentv1.NewIncidentServiceClient(dial(t, sys.Addr(stack.Gateway), credentials.NewTLS(trustCA), token))
		in := ied("Makhmour", time.Date(2021, 12, 8, 5, 0, 0, 0, time.UTC))
		if _, err := c.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{Incident: in}); err != nil {
			t.Errorf("CreateIncident through the gateway over TLS: %v", err)
		}
	})
}

func clientTLS(t *testing.T, f tlsconfig.Files) *tls.Config {
	t.Helper()
	for _, p := range []string{f.Cert, f.Key, f.CA} {
		if _, err := os.Stat(p); p != "" && err != nil {
			t.Fatal(err)
		}
	}
	c, err := tlsconfig.Client(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dial connects to addr with creds, sending token (if any) on every call; the token is
// sent over TLS connections only, as auth.BearerCredentials demands, so plaintext dials go
// without it.
func dial(t *testing.T, addr string, creds credentials.TransportCredentials, token string) *grpc.ClientConn {
	t.Helper()
	opts := []grpc.DialOption{grpc.WithTransportCredentials(creds)}
	if token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(auth.BearerCredentials(token, true)))
	}
	c, err := grpc.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
