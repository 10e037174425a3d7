// Package tlsconfig builds the TLS configurations Tansiq servers and clients use, from PEM
// files named in configuration: TLS 1.2 or later everywhere, and mutual TLS (client
// certificates required and verified) whenever a server is given a client CA.
//
// It also owns the naming of service certificates — a URI SAN
// spiffe://tansiq/service/<name> — and creates a development PKI (a CA, a loopback server
// certificate and one client certificate per service) so that the TLS mode of `make run` works
// on a fresh machine without any outside tooling.
package tlsconfig
