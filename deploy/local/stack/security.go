package stack

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// healthClientName is the service name in the client certificate the stack presents to
// the mTLS services when it checks their health.
const healthClientName = "tansiq-local"

// serviceTokenTTL is how long the gateway's development service token lasts; a new one is
// minted at every start.
const serviceTokenTTL = 30 * 24 * time.Hour

// security is the stack's development credentials: the token signer every service trusts
// and, with TLS, the development PKI.
type security struct {
	signer *auth.Signer // nil with InsecureNoAuth
	pubKey string       // public key file the services verify tokens with
	// gatewayToken is the file holding the gateway's own service token, for the calls it
	// makes on its own behalf (following the incident stream).
	gatewayToken string
	// devIdentities is the file of development identities and tokens the gateway's web
	// app offers at sign-in.
	devIdentities string
	dev           *tlsconfig.Dev
}

// setupSecurity creates (or reuses) the development key pair and certificates under
// DataDir, so that tokens printed by an earlier run stay valid.
func setupSecurity(cfg Config) (*security, error) {
	sec := &security{}
	if !cfg.InsecureNoAuth {
		priv, pub, err := auth.GenerateDevKeys(filepath.Join(cfg.DataDir, "keys"))
		if err != nil {
			return nil, fmt.Errorf("stack: development token key: %w", err)
		}
		key, err := auth.LoadPrivateKey(priv)
		if err != nil {
			return nil, fmt.Errorf("stack: development token key: %w", err)
		}
		sec.signer = auth.NewSigner(key, auth.DefaultIssuer, auth.DefaultAudience)
		sec.pubKey = pub
		tok, err := sec.signer.Mint(auth.ServiceIdentity(Gateway), serviceTokenTTL)
		if err != nil {
			return nil, fmt.Errorf("stack: gateway service token: %w", err)
		}
		sec.gatewayToken = filepath.Join(cfg.DataDir, "keys", "gateway.token")
		if err := os.WriteFile(sec.gatewayToken, []byte(tok), 0o600); err != nil {
			return nil, fmt.Errorf("stack: gateway service token: %w", err)
		}
		sec.devIdentities = filepath.Join(cfg.DataDir, "keys", "web-identities.json")
		if err := writeDevIdentities(sec.devIdentities, sec.signer, cfg.DevTokenTTL); err != nil {
			return nil, err
		}
	}
	if cfg.TLS {
		dev, err := tlsconfig.GenerateDev(filepath.Join(cfg.DataDir, "tls"), Incident, Forces, Meeting, Gateway, healthClientName)
		if err != nil {
			return nil, fmt.Errorf("stack: development certificates: %w", err)
		}
		sec.dev = &dev
	}
	return sec, nil
}

// env returns the authentication and TLS settings of the named service.
func (sec *security) env(name string) []string {
	var env []string
	if sec.signer == nil {
		env = append(env, "TANSIQ_INSECURE_NO_AUTH=true")
	} else {
		env = append(env, "TANSIQ_JWT_PUBLIC_KEY_FILE="+sec.pubKey,
			"TANSIQ_JWT_ISSUER="+auth.DefaultIssuer, "TANSIQ_JWT_AUDIENCE="+auth.DefaultAudience)
		if name == Gateway {
			env = append(env, "TANSIQ_SERVICE_TOKEN_FILE="+sec.gatewayToken,
				"TANSIQ_WEB_DEV_IDENTITIES_FILE="+sec.devIdentities)
		}
	}
	if sec.dev == nil {
		return env
	}
	srv := sec.dev.ServerFiles()
	cli := sec.dev.ClientFiles(name)
	env = append(env,
		"TANSIQ_TLS_CERT_FILE="+srv.Cert, "TANSIQ_TLS_KEY_FILE="+srv.Key,
		"TANSIQ_TLS_DIAL_CERT_FILE="+cli.Cert, "TANSIQ_TLS_DIAL_KEY_FILE="+cli.Key, "TANSIQ_TLS_DIAL_CA_FILE="+cli.CA)
	// The gateway is the front door, reached by people with grpcurl and tokens; the
	// services behind it are reached only by the gateway and each other, which prove who
	// they are with client certificates.
	if name != Gateway {
		env = append(env, "TANSIQ_TLS_CLIENT_CA_FILE="+srv.CA)
	}
	return env
}

// clientTLS is what the stack's own health checks present to the named service; nil
// means plaintext.
func (sec *security) clientTLS(name string) (*tls.Config, error) {
	if sec.dev == nil {
		return nil, nil
	}
	files := tlsconfig.Files{CA: sec.dev.CACert()}
	if name != Gateway {
		files = sec.dev.ClientFiles(healthClientName)
	}
	return tlsconfig.Client(files)
}
