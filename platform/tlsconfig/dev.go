package tlsconfig

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Validity of the development certificates. Leaves are replaced by GenerateDev once they
// are within a day of expiry, so a long-lived dev directory keeps working.
const (
	devCAValidity   = 5 * 365 * 24 * time.Hour
	devLeafValidity = 365 * 24 * time.Hour
	devRenewBefore  = 24 * time.Hour
)

// devHosts are the names the development server certificate is valid for: the system runs
// on loopback only.
var devHosts = []string{"127.0.0.1", "::1", "localhost"}

// Dev names the PEM files of a development PKI kept in one directory.
type Dev struct {
	Dir string
}

// CACert is the development CA certificate, the one bundle both sides trust.
func (d Dev) CACert() string { return filepath.Join(d.Dir, "ca.crt") }

// CAKey is the development CA's private key; nothing but GenerateDev should read it.
func (d Dev) CAKey() string { return filepath.Join(d.Dir, "ca.key") }

// ServerFiles are the files a server passes to Server for mTLS: the loopback server
// certificate and the CA that client certificates must chain to.
func (d Dev) ServerFiles() Files {
	return Files{Cert: filepath.Join(d.Dir, "server.crt"), Key: filepath.Join(d.Dir, "server.key"), CA: d.CACert()}
}

// ClientFiles are the files the named service passes to Client: its client certificate
// and the CA the server certificate must chain to.
func (d Dev) ClientFiles(service string) Files {
	return Files{
		Cert: filepath.Join(d.Dir, "client-"+service+".crt"),
		Key:  filepath.Join(d.Dir, "client-"+service+".key"),
		CA:   d.CACert(),
	}
}

// GenerateDev makes sure dir holds a development PKI: an ECDSA P-256 CA, a server
// certificate for 127.0.0.1, ::1 and localhost, and a client certificate for each service
// named, with the URI SAN spiffe://tansiq/service/<name>. It is idempotent: files that are
// valid, chain to the CA and are not about to expire are kept byte for byte; anything
// missing, broken or stale is (re)written, and a new CA replaces every leaf. Keys are
// written 0600.
func GenerateDev(dir string, services ...string) (Dev, error) {
	for _, s := range services {
		if !ValidServiceName(s) {
			return Dev{}, fmt.Errorf("tlsconfig: invalid service name %q", s)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Dev{}, fmt.Errorf("tlsconfig: %w", err)
	}
	d := Dev{Dir: dir}
	now := time.Now()
	ca, fresh, err := d.ensureCA(now)
	if err != nil {
		return Dev{}, err
	}
	srv := d.ServerFiles()
	err = ensureLeaf(ca, srv, fresh, now, leafSpec{
		commonName: "tansiq dev server",
		usage:      x509.ExtKeyUsageServerAuth,
		hosts:      devHosts,
	})
	if err != nil {
		return Dev{}, err
	}
	for _, s := range services {
		err := ensureLeaf(ca, d.ClientFiles(s), fresh, now, leafSpec{
			commonName: s,
			usage:      x509.ExtKeyUsageClientAuth,
			service:    s,
		})
		if err != nil {
			return Dev{}, err
		}
	}
	return d, nil
}

// authority is a loaded CA: its certificate, key and the pool that trusts it.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

// ensureCA loads the CA, or creates one when it is missing, unreadable or expiring; fresh
// reports a new CA, whose leaves must all be reissued.
func (d Dev) ensureCA(now time.Time) (ca authority, fresh bool, err error) {
	if ca, err := loadCA(d.CACert(), d.CAKey(), now); err == nil {
		return ca, false, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return authority{}, false, fmt.Errorf("tlsconfig: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "tansiq dev CA", Organization: []string{"Tansiq development"}},
		NotBefore:             now.Add(-time.Hour), // tolerate a little clock skew between processes
		NotAfter:              now.Add(devCAValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return authority{}, false, fmt.Errorf("tlsconfig: create CA: %w", err)
	}
	if err := writeKeyPair(d.CACert(), d.CAKey(), der, key); err != nil {
		return authority{}, false, err
	}
	ca, err = loadCA(d.CACert(), d.CAKey(), now)
	return ca, true, err
}

func loadCA(certPath, keyPath string, now time.Time) (authority, error) {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return authority{}, err
	}
	cert := pair.Leaf
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	if !ok || cert == nil || !cert.IsCA {
		return authority{}, errors.New("not an ECDSA CA")
	}
	// A CA close to expiry is replaced now rather than letting leaves outlive it.
	if now.Add(devLeafValidity).After(cert.NotAfter) {
		return authority{}, errors.New("CA expires too soon")
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return authority{cert: cert, key: key, pool: pool}, nil
}

// leafSpec says what a leaf certificate is for and which names it carries.
type leafSpec struct {
	commonName string
	usage      x509.ExtKeyUsage
	hosts      []string // DNS names and IP addresses (server certificates)
	service    string   // service named by URI SAN (client certificates)
}

func ensureLeaf(ca authority, f Files, fresh bool, now time.Time, spec leafSpec) error {
	if !fresh && leafUsable(ca, f, now, spec) {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("tlsconfig: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: spec.commonName, Organization: []string{"Tansiq development"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(devLeafValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{spec.usage},
	}
	for _, h := range spec.hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	if spec.service != "" {
		tmpl.URIs = append(tmpl.URIs, ServiceURI(spec.service))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return fmt.Errorf("tlsconfig: create certificate %s: %w", f.Cert, err)
	}
	return writeKeyPair(f.Cert, f.Key, der, key)
}

// leafUsable reports whether the existing files are a matching pair, chain to ca for the
// intended use through the renewal margin, and carry the names spec asks for.
func leafUsable(ca authority, f Files, now time.Time, spec leafSpec) bool {
	pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil || pair.Leaf == nil {
		return false
	}
	leaf := pair.Leaf
	_, err = leaf.Verify(x509.VerifyOptions{
		Roots:       ca.pool,
		KeyUsages:   []x509.ExtKeyUsage{spec.usage},
		CurrentTime: now.Add(devRenewBefore),
	})
	if err != nil {
		return false
	}
	for _, h := range spec.hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	if spec.service != "" {
		if name, ok := ServiceName(leaf); !ok || name != spec.service {
			return false
		}
	}
	return true
}

// writeKeyPair writes the key before the certificate: a crash in between leaves a pair that
// does not match, which the next run detects and replaces.
func writeKeyPair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("tlsconfig: %w", err)
	}
	if err := writeAtomic(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	return writeAtomic(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

// writeAtomic replaces path in one rename, so a reader never sees half a PEM file.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("tlsconfig: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("tlsconfig: write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("tlsconfig: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("tlsconfig: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("tlsconfig: %w", err)
	}
	return nil
}

// serial returns a random 128-bit serial number, as RFC 5280 recommends for uniqueness.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n
}
