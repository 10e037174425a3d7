package tlsconfig_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// snapshot reads every file in dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// changed lists the files whose content differs between two snapshots, or which appeared.
func changed(before, after map[string][]byte) []string {
	var names []string
	for name, b := range after {
		if !bytes.Equal(before[name], b) {
			names = append(names, name)
		}
	}
	return names
}

func TestGenerateDevKeepsWhatIsValid(t *testing.T) {
	dir := t.TempDir()
	if _, err := tlsconfig.GenerateDev(dir, "gateway", "meeting"); err != nil {
		t.Fatal(err)
	}
	first := snapshot(t, dir)
	if got, want := len(first), 8; got != want {
		t.Fatalf("files after first run: got %d, want %d", got, want)
	}

	tests := []struct {
		name     string
		damage   func(dev tlsconfig.Dev)
		services []string
		want     map[string]bool // files expected to change
	}{
		{"second run changes nothing", func(tlsconfig.Dev) {}, []string{"gateway", "meeting"}, nil},
		{"new service adds only its pair", func(tlsconfig.Dev) {}, []string{"gateway", "meeting", "forces"},
			map[string]bool{"client-forces.crt": true, "client-forces.key": true}},
		{"broken client certificate is replaced alone", func(d tlsconfig.Dev) {
			os.WriteFile(d.ClientFiles("meeting").Cert, []byte("garbage"), 0o644)
		}, []string{"gateway", "meeting", "forces"},
			map[string]bool{"client-meeting.crt": true, "client-meeting.key": true}},
		{"lost CA reissues everything", func(d tlsconfig.Dev) { os.Remove(d.CAKey()) }, []string{"gateway", "meeting", "forces"},
			map[string]bool{"ca.crt": true, "ca.key": true, "server.crt": true, "server.key": true,
				"client-gateway.crt": true, "client-gateway.key": true, "client-meeting.crt": true,
				"client-meeting.key": true, "client-forces.crt": true, "client-forces.key": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.damage(tlsconfig.Dev{Dir: dir})
			before := snapshot(t, dir)
			dev, err := tlsconfig.GenerateDev(dir, tt.services...)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, name := range changed(before, snapshot(t, dir)) {
				got[name] = true
			}
			if len(got) != len(tt.want) {
				t.Errorf("changed files: got %v, want %v", got, tt.want)
			}
			for name := range tt.want {
				if !got[name] {
					t.Errorf("changed files: got %v, want %v", got, tt.want)
					break
				}
			}
			checkDevPKI(t, dev, tt.services)
		})
	}
}

// checkDevPKI verifies that every leaf chains to the CA for its use and names what it should.
func checkDevPKI(t *testing.T, dev tlsconfig.Dev, services []string) {
	t.Helper()
	caPEM, err := os.ReadFile(dev.CACert())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	leaf := func(f tlsconfig.Files) *x509.Certificate {
		pair, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			t.Fatal(err)
		}
		return pair.Leaf
	}
	srv := leaf(dev.ServerFiles())
	for _, host := range []string{"127.0.0.1", "localhost", "::1"} {
		if _, err := srv.Verify(x509.VerifyOptions{Roots: roots, DNSName: host}); err != nil {
			t.Errorf("server certificate for %s: %v", host, err)
		}
	}
	for _, s := range services {
		c := leaf(dev.ClientFiles(s))
		if _, err := c.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("client certificate %s: %v", s, err)
		}
		if got, ok := tlsconfig.ServiceName(c); !ok || got != s {
			t.Errorf("client certificate %s names %q, %v", s, got, ok)
		}
	}
	for _, key := range []string{dev.CAKey(), dev.ServerFiles().Key} {
		fi, err := os.Stat(key)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode: got %v, want 0600", key, got)
		}
	}
}

func TestGenerateDevRefusesBadServiceName(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"", "../etc", "Gateway", "a b"} {
		if _, err := tlsconfig.GenerateDev(dir, name); err == nil {
			t.Errorf("GenerateDev(%q): got nil error, want refusal", name)
		}
	}
}
