package auth

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Defaults for development, shared by make run, the CLI and the tests.
const (
	DefaultIssuer   = "tansiq-dev"
	DefaultAudience = "tansiq"
	// DefaultLeeway is the clock skew tolerated on exp, nbf and iat.
	DefaultLeeway = 30 * time.Second
)

// Errors from Verify. Each wraps the library's reason, for logs; callers test with errors.Is
// and show clients only their fixed text.
var (
	ErrTokenExpired     = errors.New("token expired")
	ErrTokenNotYetValid = errors.New("token not yet valid")
	ErrTokenInvalid     = errors.New("token invalid")
)

// VerifierConfig says which tokens to trust.
type VerifierConfig struct {
	// PublicKeys are the Ed25519 keys whose signatures are accepted; several during a key
	// rotation. At least one is required.
	PublicKeys []ed25519.PublicKey
	// Issuer must equal the token's iss.
	Issuer string
	// Audience must be among the token's aud.
	Audience string
	// Leeway is the clock skew tolerated; zero means DefaultLeeway, negative means none.
	Leeway time.Duration
	// Now replaces the clock, for tests.
	Now func() time.Time
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	keys   jwt.VerificationKeySet
	parser *jwt.Parser
}

// NewVerifier returns a verifier for cfg.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if len(cfg.PublicKeys) == 0 {
		return nil, errors.New("auth: verifier needs at least one public key")
	}
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("auth: verifier needs an issuer and an audience")
	}
	var keys jwt.VerificationKeySet
	for i, k := range cfg.PublicKeys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("auth: public key %d is not an Ed25519 key", i)
		}
		keys.Keys = append(keys.Keys, k)
	}
	leeway := cfg.Leeway
	if leeway == 0 {
		leeway = DefaultLeeway
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{signingMethod.Alg()}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(max(leeway, 0)),
	}
	if cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	return &Verifier{keys: keys, parser: jwt.NewParser(opts...)}, nil
}

// Verify checks token's signature, algorithm, issuer, audience, expiry, not-before and
// issued-at times, and that it names a subject, a role and (for people) a force. It returns
// the identity the token vouches for, or an error wrapping ErrTokenExpired,
// ErrTokenNotYetValid or ErrTokenInvalid.
func (v *Verifier) Verify(token string) (Identity, error) {
	var c claims
	_, err := v.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return v.keys, nil })
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Identity{}, fmt.Errorf("%w: %w", ErrTokenExpired, err)
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return Identity{}, fmt.Errorf("%w: %w", ErrTokenNotYetValid, err)
	case err != nil:
		return Identity{}, fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	id := Identity{Subject: c.Subject, Force: c.Force, Role: Role(c.Role), DisplayName: c.Name}
	if err := id.check(); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	return id, nil
}
