package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File names of the development signing key pair inside its directory.
const (
	DevPrivateKeyFile = "jwt-ed25519.key" // PKCS #8 "PRIVATE KEY", mode 0600
	DevPublicKeyFile  = "jwt-ed25519.pub" // PKIX "PUBLIC KEY"
)

// GenerateDevKeys makes sure dir holds an Ed25519 token-signing key pair and returns the
// paths of its private and public key files. An existing private key is kept (tokens
// already printed stay valid) and its public key rewritten from it; otherwise a new pair
// is written.
func GenerateDevKeys(dir string) (privPath, pubPath string, err error) {
	privPath = filepath.Join(dir, DevPrivateKeyFile)
	pubPath = filepath.Join(dir, DevPublicKeyFile)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("auth: %w", err)
	}
	priv, err := LoadPrivateKey(privPath)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return "", "", err // a damaged key is for a person to look at, not to overwrite
		}
		if _, priv, err = ed25519.GenerateKey(rand.Reader); err != nil {
			return "", "", fmt.Errorf("auth: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return "", "", fmt.Errorf("auth: %w", err)
		}
		if err := writeAtomic(privPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return "", "", err
		}
	}
	der, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		return "", "", fmt.Errorf("auth: %w", err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	if old, err := os.ReadFile(pubPath); err == nil && bytes.Equal(old, pubPEM) {
		return privPath, pubPath, nil
	}
	if err := writeAtomic(pubPath, pubPEM, 0o644); err != nil {
		return "", "", err
	}
	return privPath, pubPath, nil
}

// LoadPrivateKey reads a PEM PKCS #8 Ed25519 private key. A missing file is an error
// matching os.ErrNotExist.
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("auth: %s holds no PEM PRIVATE KEY", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("auth: %s: %w", path, err)
	}
	ed, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("auth: %s is not an Ed25519 key", path)
	}
	return ed, nil
}

// LoadPublicKeys reads the Ed25519 public keys in the named PEM files; a file may hold
// several "PUBLIC KEY" blocks, so a rotation adds the new key beside the old one.
func LoadPublicKeys(paths ...string) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		k, err := ParsePublicKeys(data)
		if err != nil {
			return nil, fmt.Errorf("auth: %s: %w", p, err)
		}
		keys = append(keys, k...)
	}
	if len(keys) == 0 {
		return nil, errors.New("auth: no public key files given")
	}
	return keys, nil
}

// ParsePublicKeys returns every Ed25519 key in the PEM "PUBLIC KEY" blocks of data. Any
// other block, or a key of another type, is an error rather than being skipped: a
// misconfigured trust list should stop the server, not quietly trust less.
func ParsePublicKeys(data []byte) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("unexpected PEM block %q", block.Type)
		}
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		ed, ok := key.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key of type %T, want Ed25519", key)
		}
		keys = append(keys, ed)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM PUBLIC KEY block")
	}
	return keys, nil
}

// writeAtomic replaces path in one rename, so a reader never sees half a key.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("auth: write %s: %w", path, werr)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return nil
}
