package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Signer mints tokens. Production tokens come from the forces' identity provider; Signer is
// for development (make run prints a token per force), the CLI and tests.
type Signer struct {
	key      ed25519.PrivateKey
	issuer   string
	audience string
	now      func() time.Time
}

// NewSigner returns a signer that mints tokens with key for issuer and audience.
func NewSigner(key ed25519.PrivateKey, issuer, audience string) *Signer {
	return &Signer{key: key, issuer: issuer, audience: audience, now: time.Now}
}

// Mint returns a signed token for id, valid from now for ttl, with a random token id (jti)
// so audit records can tell tokens apart. It refuses identities that a Verifier would refuse.
func (s *Signer) Mint(id Identity, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", errors.New("auth: token lifetime must be positive")
	}
	if err := id.check(); err != nil {
		return "", fmt.Errorf("auth: cannot mint token: %w", err)
	}
	if len(s.key) != ed25519.PrivateKeySize {
		return "", errors.New("auth: signer has no Ed25519 private key")
	}
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	now := s.now()
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Subject:   id.Subject,
			Audience:  jwt.ClaimStrings{s.audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        base64.RawURLEncoding.EncodeToString(jti),
		},
		Force: id.Force,
		Role:  string(id.Role),
		Name:  id.DisplayName,
	}
	return jwt.NewWithClaims(signingMethod, c).SignedString(s.key)
}
