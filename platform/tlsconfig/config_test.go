package tlsconfig_test

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// serve starts a real gRPC server with health on a loopback port, with TLS when cfg is set.
func serve(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var opts []grpc.ServerOption
	if cfg != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg)))
	}
	s := grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(s, health.NewServer())
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

// check makes one health call and returns its code.
func check(t *testing.T, addr string, creds credentials.TransportCredentials) codes.Code {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	return status.Code(err)
}

func clientCreds(t *testing.T, f tlsconfig.Files, tweak func(*tls.Config)) credentials.TransportCredentials {
	t.Helper()
	cfg, err := tlsconfig.Client(f)
	if err != nil {
		t.Fatal(err)
	}
	if tweak != nil {
		tweak(cfg)
	}
	return credentials.NewTLS(cfg)
}

func TestHandshakes(t *testing.T) {
	dev, err := tlsconfig.GenerateDev(t.TempDir(), "gateway", "meeting")
	if err != nil {
		t.Fatal(err)
	}
	// A second PKI whose CA nobody here trusts.
	stranger, err := tlsconfig.GenerateDev(t.TempDir(), "gateway")
	if err != nil {
		t.Fatal(err)
	}
	mtlsCfg, err := tlsconfig.Server(dev.ServerFiles())
	if err != nil {
		t.Fatal(err)
	}
	tlsOnly := dev.ServerFiles()
	tlsOnly.CA = ""
	tlsCfg, err := tlsconfig.Server(tlsOnly)
	if err != nil {
		t.Fatal(err)
	}
	mtlsAddr, tlsAddr := serve(t, mtlsCfg), serve(t, tlsCfg)
	strangerCert := stranger.ClientFiles("gateway")
	strangerCert.CA = dev.CACert() // trusts the server, but its own certificate is foreign

	tests := []struct {
		name  string
		addr  string
		creds credentials.TransportCredentials
		want  codes.Code
	}{
		{"mTLS with a service certificate", mtlsAddr, clientCreds(t, dev.ClientFiles("meeting"), nil), codes.OK},
		{"TLS without client certificates", tlsAddr, clientCreds(t, tlsconfig.Files{CA: dev.CACert()}, nil), codes.OK},
		{"plaintext client to a TLS port", tlsAddr, insecure.NewCredentials(), codes.Unavailable},
		{"plaintext client to an mTLS port", mtlsAddr, insecure.NewCredentials(), codes.Unavailable},
		{"client certificate from an unknown CA under mTLS", mtlsAddr, clientCreds(t, strangerCert, nil), codes.Unavailable},
		{"no client certificate under mTLS", mtlsAddr, clientCreds(t, tlsconfig.Files{CA: dev.CACert()}, nil), codes.Unavailable},
		{"server from a CA the client does not trust", tlsAddr, clientCreds(t, tlsconfig.Files{CA: stranger.CACert()}, nil), codes.Unavailable},
		{"client limited to TLS 1.1", tlsAddr, clientCreds(t, tlsconfig.Files{CA: dev.CACert()}, func(c *tls.Config) {
			c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
		}), codes.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := check(t, tt.addr, tt.creds); got != tt.want {
				t.Errorf("health check: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestServerConfig(t *testing.T) {
	dev, err := tlsconfig.GenerateDev(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		files    tlsconfig.Files
		wantErr  bool
		wantAuth tls.ClientAuthType
	}{
		{"client CA turns on mTLS", dev.ServerFiles(), false, tls.RequireAndVerifyClientCert},
		{"no client CA", tlsconfig.Files{Cert: dev.ServerFiles().Cert, Key: dev.ServerFiles().Key}, false, tls.NoClientCert},
		{"missing key", tlsconfig.Files{Cert: dev.ServerFiles().Cert}, true, 0},
		{"key of another certificate", tlsconfig.Files{Cert: dev.ServerFiles().Cert, Key: dev.CAKey()}, true, 0},
		{"CA file without certificates", tlsconfig.Files{Cert: dev.ServerFiles().Cert, Key: dev.ServerFiles().Key, CA: dev.ServerFiles().Key}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tlsconfig.Server(tt.files)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("Server error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if cfg.ClientAuth != tt.wantAuth {
				t.Errorf("ClientAuth: got %v, want %v", cfg.ClientAuth, tt.wantAuth)
			}
			if cfg.MinVersion != tls.VersionTLS12 {
				t.Errorf("MinVersion: got %x, want TLS 1.2", cfg.MinVersion)
			}
		})
	}
}

func TestClientConfig(t *testing.T) {
	dev, err := tlsconfig.GenerateDev(t.TempDir(), "meeting")
	if err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := dev.ClientFiles("meeting")
	tests := []struct {
		name      string
		files     tlsconfig.Files
		wantErr   bool
		wantCerts int
	}{
		{"CA and client certificate", c, false, 1},
		{"CA only", tlsconfig.Files{CA: c.CA}, false, 0},
		{"system roots", tlsconfig.Files{}, false, 0},
		{"certificate without key", tlsconfig.Files{Cert: c.Cert, CA: c.CA}, true, 0},
		{"empty CA bundle", tlsconfig.Files{CA: empty}, true, 0},
		{"missing CA bundle", tlsconfig.Files{CA: filepath.Join(t.TempDir(), "nope.pem")}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tlsconfig.Client(tt.files)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("Client error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := len(cfg.Certificates); got != tt.wantCerts {
				t.Errorf("certificates: got %d, want %d", got, tt.wantCerts)
			}
			if cfg.MinVersion != tls.VersionTLS12 {
				t.Errorf("MinVersion: got %x, want TLS 1.2", cfg.MinVersion)
			}
		})
	}
}
