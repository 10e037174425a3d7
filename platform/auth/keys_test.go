package auth

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestGenerateDevKeys(t *testing.T) {
	dir := t.TempDir()
	privPath, pubPath, err := GenerateDevKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(privPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("private key mode: got %v, want 0600", got)
	}
	priv, err := LoadPrivateKey(privPath)
	if err != nil {
		t.Fatal(err)
	}
	pubs, err := LoadPublicKeys(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	// A token minted with the private file verifies with the public file.
	v, err := NewVerifier(VerifierConfig{PublicKeys: pubs, Issuer: DefaultIssuer, Audience: DefaultAudience})
	if err != nil {
		t.Fatal(err)
	}
	token, err := NewSigner(priv, DefaultIssuer, DefaultAudience).Mint(peshmergaOperator, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(token); err != nil {
		t.Errorf("token from the dev key pair: %v", err)
	}

	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	privBefore, pubBefore := read(privPath), read(pubPath)
	tests := []struct {
		name   string
		damage func()
	}{
		{"second run keeps the pair", func() {}},
		{"lost public key is rebuilt from the private key", func() { os.Remove(pubPath) }},
		{"stale public key is replaced", func() { os.WriteFile(pubPath, []byte("stale"), 0o644) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.damage()
			if _, _, err := GenerateDevKeys(dir); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(read(privPath), privBefore) || !bytes.Equal(read(pubPath), pubBefore) {
				t.Error("key files differ from the first run")
			}
		})
	}

	t.Run("damaged private key is reported, not overwritten", func(t *testing.T) {
		if err := os.WriteFile(privPath, []byte("damaged"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := GenerateDevKeys(dir); err == nil {
			t.Error("GenerateDevKeys: got nil error for a damaged private key")
		}
		if got := read(privPath); string(got) != "damaged" {
			t.Errorf("damaged private key was overwritten with %q", got)
		}
	})
}

func TestParsePublicKeys(t *testing.T) {
	pemOf := func(typ string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}) }
	pkix := func(k any) []byte {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	a, _ := newKey(t)
	b, _ := newKey(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		want    int
		wantErr bool
	}{
		{"one key", pemOf("PUBLIC KEY", pkix(a)), 1, false},
		{"two keys during rotation", append(pemOf("PUBLIC KEY", pkix(a)), pemOf("PUBLIC KEY", pkix(b))...), 2, false},
		{"ECDSA key", pemOf("PUBLIC KEY", pkix(&ec.PublicKey)), 0, true},
		{"Ed25519 key then a certificate block", append(pemOf("PUBLIC KEY", pkix(a)), pemOf("CERTIFICATE", []byte{1})...), 0, true},
		{"no PEM", []byte("hello"), 0, true},
		{"empty", nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParsePublicKeys(tt.data)
			if (err != nil) != tt.wantErr || len(keys) != tt.want {
				t.Errorf("ParsePublicKeys: got %d keys, %v; want %d, error %v", len(keys), err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := LoadPublicKeys(filepath.Join(t.TempDir(), "missing.pub")); err == nil {
		t.Error("LoadPublicKeys of a missing file: got nil error")
	}
}
