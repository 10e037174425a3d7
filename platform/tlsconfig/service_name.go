package tlsconfig

import (
	"crypto/x509"
	"net/url"
	"regexp"
	"strings"
)

// TrustDomain is the SPIFFE trust domain of Tansiq service certificates.
const TrustDomain = "tansiq"

// servicePath prefixes the name in a service URI: spiffe://tansiq/service/<name>.
const servicePath = "/service/"

var validName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// ValidServiceName reports whether name can name a service: lower-case letters, digits and
// hyphens, starting with a letter, at most 63 characters (it becomes a file name and a URI).
func ValidServiceName(name string) bool { return validName.MatchString(name) }

// ServiceURI returns spiffe://tansiq/service/<name>, the URI SAN that names a service in
// its client certificate.
func ServiceURI(name string) *url.URL {
	return &url.URL{Scheme: "spiffe", Host: TrustDomain, Path: servicePath + name}
}

// ServiceName returns the service a certificate names: the name in its
// spiffe://tansiq/service/<name> URI SAN or, for certificates without any such URI, its
// Common Name. It does not verify the certificate: call it only on a verified chain's leaf.
func ServiceName(cert *x509.Certificate) (string, bool) {
	if cert == nil {
		return "", false
	}
	for _, u := range cert.URIs {
		if u.Scheme != "spiffe" || u.Host != TrustDomain || !strings.HasPrefix(u.Path, servicePath) {
			continue
		}
		name := strings.TrimPrefix(u.Path, servicePath)
		// A malformed Tansiq URI does not fall back to the CN: the issuer meant to name a
		// service here, and guessing another name would be worse than naming none.
		if !ValidServiceName(name) {
			return "", false
		}
		return name, true
	}
	if ValidServiceName(cert.Subject.CommonName) {
		return cert.Subject.CommonName, true
	}
	return "", false
}
