package auth

import (
	"crypto/tls"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// TestServiceCertificates runs the authenticator behind real TLS on loopback, with the
// development PKI, to show what a client certificate proves and what it does not.
func TestServiceCertificates(t *testing.T) {
	tk := newTokens(t)
	dev, err := tlsconfig.GenerateDev(t.TempDir(), "gateway")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := tlsconfig.GenerateDev(t.TempDir(), "gateway")
	if err != nil {
		t.Fatal(err)
	}
	a := &Authenticator{Verifier: tk.verifier}
	serverWith := func(clientAuth tls.ClientAuthType) func(credentials.TransportCredentials) *grpc.ClientConn {
		cfg, err := tlsconfig.Server(dev.ServerFiles())
		if err != nil {
			t.Fatal(err)
		}
		cfg.ClientAuth = clientAuth
		return serveTLS(t, newServer(a, &whoami{}, grpc.Creds(credentials.NewTLS(cfg))))
	}
	mtls := serverWith(tls.RequireAndVerifyClientCert)
	// A server that asks for certificates but does not verify them: they must name nobody.
	unverified := serverWith(tls.RequireAnyClientCert)

	client := func(f tlsconfig.Files) credentials.TransportCredentials {
		cfg, err := tlsconfig.Client(f)
		if err != nil {
			t.Fatal(err)
		}
		return credentials.NewTLS(cfg)
	}
	gateway := client(dev.ClientFiles("gateway"))
	foreign := stranger.ClientFiles("gateway")
	foreign.CA = dev.CACert()

	tests := []struct {
		name     string
		conn     *grpc.ClientConn
		token    string
		want     string
		wantCode codes.Code
	}{
		{"service certificate alone", mtls(gateway), "", "services/gateway||service|", codes.OK},
		{"token forwarded by a service", mtls(gateway), tk.mint(t, tk.signer, peshmergaOperator, time.Hour),
			"forces/peshmerga/people/azad|forces/peshmerga|operator|gateway", codes.OK},
		{"bad token is not rescued by the certificate", mtls(gateway), tk.mint(t, tk.stranger, peshmergaOperator, time.Hour),
			"", codes.Unauthenticated},
		{"unverified certificate names nobody", unverified(client(foreign)), "", "", codes.Unauthenticated},
		{"unverified certificate with a good token", unverified(client(foreign)), tk.mint(t, tk.signer, iraqiViewer, time.Hour),
			"forces/iraqi-army/people/ali|forces/iraqi-army|viewer|", codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			if tt.token != "" {
				ctx = WithBearer(ctx, tt.token)
			}
			got, err := unaryWho(ctx, tt.conn)
			if code := status.Code(err); code != tt.wantCode {
				t.Fatalf("code: got %v (%v), want %v", code, err, tt.wantCode)
			}
			if got != tt.want {
				t.Errorf("handler saw: got %q, want %q", got, tt.want)
			}
		})
	}
}
