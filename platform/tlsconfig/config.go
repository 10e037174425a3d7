package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// MinVersion is the oldest protocol version any Tansiq endpoint accepts.
const MinVersion = tls.VersionTLS12

// Files names the PEM files of one endpoint. Cert and Key are its own certificate chain
// and private key; CA is the bundle it trusts to verify the other side (for a server: the
// CA of client certificates, which turns on mTLS; for a client: the CA of the server).
type Files struct {
	Cert string
	Key  string
	CA   string
}

// Server returns a server configuration presenting f.Cert/f.Key. When f.CA is set, every
// client must present a certificate that chains to it (tls.RequireAndVerifyClientCert);
// without it clients are not asked for certificates.
func Server(f Files) (*tls.Config, error) {
	if f.Cert == "" || f.Key == "" {
		return nil, errors.New("tlsconfig: server needs both a certificate and a key file")
	}
	cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		return nil, fmt.Errorf("tlsconfig: load server key pair: %w", err)
	}
	cfg := &tls.Config{
		MinVersion:   MinVersion,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.NoClientCert,
	}
	if f.CA != "" {
		pool, err := loadPool(f.CA)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// Client returns a client configuration that trusts f.CA (the system roots when empty)
// and, when f.Cert and f.Key are both set, presents that certificate for mTLS. The server
// name is left for gRPC to fill from the dialled address.
func Client(f Files) (*tls.Config, error) {
	if (f.Cert == "") != (f.Key == "") {
		return nil, errors.New("tlsconfig: client certificate and key must be given together")
	}
	cfg := &tls.Config{MinVersion: MinVersion}
	if f.CA != "" {
		pool, err := loadPool(f.CA)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if f.Cert != "" {
		cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, fmt.Errorf("tlsconfig: load client key pair: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// loadPool reads a PEM bundle; an empty or unparsable bundle is an error, since trusting
// nothing would fail every handshake later with a far less helpful message.
func loadPool(path string) (*x509.CertPool, error) {
	pemData, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tlsconfig: read CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("tlsconfig: %s holds no PEM certificate", path)
	}
	return pool, nil
}
