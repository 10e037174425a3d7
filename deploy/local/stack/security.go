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

// serviceTokenTTL is how long the development service tokens last; new ones are minted at
// every start.
const serviceTokenTTL = 30 * 24 * time.Hour

// security is the stack's development credentials: the token signer every service trusts
// and, with TLS, the development PKI.
type security struct {
	signer *auth.Signer // nil with InsecureNoAuth
	pubKey string       // public key file the services verify tokens with
	// serviceTokens are the files holding the service tokens of the processes that call
	// on their own behalf: the gateway (following the incident stream) and the CoT bridge
	// (reading the picture).
	serviceTokens map[string]string
	// devIdentities is the file of development identities and tokens the gateway's web
	// app offers at sign-in.
	devIdentities string
	dev           *tlsconfig.Dev
	// cot is the CoT bridge's own PKI, apart from the services' so that no TAK device
	// certificate is ever a service certificate: its server certificate for the TLS port,
	// and a client certificate for a device of each force (CoTDevices).
	cot tlsconfig.Dev
}

// CoTDevices are the TAK device certificates the stack issues under DataDir/cot-tls, one
// per force of the seed, for trying the TLS port with ATAK or a test client.
var CoTDevices = []string{"tak-peshmerga", "tak-iraqi-army"}

// seedSince is the start of the seed scenario's window, from which the CoT bridge shows
// the picture when the stack loads the seed.
const seedSince = "2021-11-01T00:00:00Z"

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
		sec.serviceTokens = map[string]string{}
		for _, name := range []string{Gateway, CoTBridge} {
			tok, err := sec.signer.Mint(auth.ServiceIdentity(name), serviceTokenTTL)
			if err != nil {
				return nil, fmt.Errorf("stack: %s service token: %w", name, err)
			}
			file := filepath.Join(cfg.DataDir, "keys", name+".token")
			if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
				return nil, fmt.Errorf("stack: %s service token: %w", name, err)
			}
			sec.serviceTokens[name] = file
		}
		sec.devIdentities = filepath.Join(cfg.DataDir, "keys", "web-identities.json")
		if err := writeDevIdentities(sec.devIdentities, sec.signer, cfg.DevTokenTTL); err != nil {
			return nil, err
		}
	}
	cot, err := tlsconfig.GenerateDev(filepath.Join(cfg.DataDir, "cot-tls"), CoTDevices...)
	if err != nil {
		return nil, fmt.Errorf("stack: CoT certificates: %w", err)
	}
	sec.cot = cot
	if cfg.TLS {
		dev, err := tlsconfig.GenerateDev(filepath.Join(cfg.DataDir, "tls"), Incident, Forces, Meeting, Gateway, CoTBridge, healthClientName)
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
		if tok, ok := sec.serviceTokens[name]; ok {
			env = append(env, "TANSIQ_SERVICE_TOKEN_FILE="+tok)
		}
		if name == Gateway {
			env = append(env, "TANSIQ_WEB_DEV_IDENTITIES_FILE="+sec.devIdentities)
		}
	}
	if name == CoTBridge {
		srv := sec.cot.ServerFiles()
		env = append(env, "TANSIQ_COT_TLS_CERT_FILE="+srv.Cert, "TANSIQ_COT_TLS_KEY_FILE="+srv.Key,
			"TANSIQ_COT_TLS_CLIENT_CA_FILE="+srv.CA)
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
