package tlsconfig_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net/url"
	"testing"

	"github.com/tansiq/tansiq/platform/tlsconfig"
)

func TestServiceName(t *testing.T) {
	uri := func(s string) *url.URL {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tests := []struct {
		name   string
		cert   *x509.Certificate
		want   string
		wantOK bool
	}{
		{"URI SAN", &x509.Certificate{URIs: []*url.URL{uri("spiffe://tansiq/service/meeting")}}, "meeting", true},
		{"URI SAN wins over CN", &x509.Certificate{Subject: pkix.Name{CommonName: "forces"},
			URIs: []*url.URL{uri("spiffe://tansiq/service/gateway")}}, "gateway", true},
		{"CN without URI SAN", &x509.Certificate{Subject: pkix.Name{CommonName: "incident"}}, "incident", true},
		{"other trust domain is ignored", &x509.Certificate{Subject: pkix.Name{CommonName: "forces"},
			URIs: []*url.URL{uri("spiffe://example.org/service/gateway")}}, "forces", true},
		{"malformed Tansiq URI names nothing", &x509.Certificate{Subject: pkix.Name{CommonName: "forces"},
			URIs: []*url.URL{uri("spiffe://tansiq/service/Gate/way")}}, "", false},
		{"CN that is not a service name", &x509.Certificate{Subject: pkix.Name{CommonName: "tansiq dev server"}}, "", false},
		{"no certificate", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tlsconfig.ServiceName(tt.cert)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ServiceName: got %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestServiceURI(t *testing.T) {
	if got, want := tlsconfig.ServiceURI("gateway").String(), "spiffe://tansiq/service/gateway"; got != want {
		t.Errorf("ServiceURI: got %q, want %q", got, want)
	}
}
