package auth

import (
	"cmp"
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
	// DefaultMaxLifetime caps a person's token: from its iat (or nbf) to its exp.
	DefaultMaxLifetime = 24 * time.Hour
	// DefaultMaxServiceLifetime caps a service's token, which a deployment renews less often.
	DefaultMaxServiceLifetime = 30 * 24 * time.Hour
)

// DefaultForces are the forces whose people are accepted when VerifierConfig.Forces is empty.
var DefaultForces = []string{"forces/iraqi-army", "forces/peshmerga"}

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
	// Forces are the forces whose people may call; a token naming another is refused. Empty
	// means DefaultForces.
	Forces []string
	// MaxLifetime and MaxServiceLifetime cap how long a person's and a service's token may
	// be valid (exp minus iat, or nbf, or now); zero means the defaults.
	MaxLifetime, MaxServiceLifetime time.Duration
	// Now replaces the clock, for tests.
	Now func() time.Time
	// CacheSize bounds the verified tokens remembered (each until its exp); zero means
	// DefaultCacheSize, negative turns the cache off.
	CacheSize int
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	keys   jwt.VerificationKeySet
	parser *jwt.Parser
	forces map[string]bool
	// maxLife and maxServiceLife cap token lifetimes; now is the clock.
	maxLife, maxServiceLife time.Duration
	now                     func() time.Time
	cache                   *tokenCache // nil when off
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
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	size := cfg.CacheSize
	if size == 0 {
		size = DefaultCacheSize
	}
	v := &Verifier{keys: keys, parser: jwt.NewParser(opts...), forces: map[string]bool{}, now: now, cache: newTokenCache(size),
		maxLife: cmp.Or(cfg.MaxLifetime, DefaultMaxLifetime), maxServiceLife: cmp.Or(cfg.MaxServiceLifetime, DefaultMaxServiceLifetime)}
	forces := cfg.Forces
	if len(forces) == 0 {
		forces = DefaultForces
	}
	for _, f := range forces {
		if !validForce(f) {
			return nil, fmt.Errorf("auth: %q is not a force resource name", f)
		}
		v.forces[f] = true
	}
	return v, nil
}

// Verify checks token's signature, algorithm, issuer, audience, expiry, not-before and
// issued-at times, that it names a subject, a role and (for people) a known force that the
// subject belongs to, and that its lifetime is within the cap for its role. It returns
// the identity the token vouches for, or an error wrapping ErrTokenExpired,
// ErrTokenNotYetValid or ErrTokenInvalid.
//
// A token that passed is remembered until its exp (see tokenCache), so presenting it again
// skips the signature check; at its exp it is checked afresh and refused.
func (v *Verifier) Verify(token string) (Identity, error) {
	if v.cache == nil || len(token) > maxCachedToken {
		id, _, err := v.verify(token)
		return id, err
	}
	now := v.now()
	if id, ok := v.cache.get(token, now); ok {
		return id, nil
	}
	id, exp, err := v.verify(token)
	if err == nil {
		v.cache.put(token, id, exp, now)
	}
	return id, err
}

// verify runs every check and returns the identity and the token's exp.
func (v *Verifier) verify(token string) (Identity, time.Time, error) {
	var c claims
	_, err := v.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return v.keys, nil })
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Identity{}, time.Time{}, fmt.Errorf("%w: %w", ErrTokenExpired, err)
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return Identity{}, time.Time{}, fmt.Errorf("%w: %w", ErrTokenNotYetValid, err)
	case err != nil:
		return Identity{}, time.Time{}, fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	id := Identity{Subject: c.Subject, Force: c.Force, Role: Role(c.Role), DisplayName: c.Name}
	if err := id.check(); err != nil {
		return Identity{}, time.Time{}, fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	if !id.IsService() && !v.forces[id.Force] {
		return Identity{}, time.Time{}, fmt.Errorf("%w: unknown force %q", ErrTokenInvalid, id.Force)
	}
	if err := v.checkLifetime(id, &c.RegisteredClaims); err != nil {
		return Identity{}, time.Time{}, fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	// WithExpirationRequired guarantees exp is set.
	return id, c.ExpiresAt.Time, nil
}

// checkLifetime refuses a token valid for longer than its role's cap: a stolen token must
// not serve for years. The lifetime runs from iat (else nbf, else now) to exp.
func (v *Verifier) checkLifetime(id Identity, c *jwt.RegisteredClaims) error {
	limit := v.maxLife
	if id.IsService() {
		limit = v.maxServiceLife
	}
	start := v.now()
	switch {
	case c.IssuedAt != nil:
		start = c.IssuedAt.Time
	case c.NotBefore != nil:
		start = c.NotBefore.Time
	}
	if life := c.ExpiresAt.Sub(start); life > limit {
		return fmt.Errorf("token lifetime %s exceeds %s", life, limit)
	}
	return nil
}
