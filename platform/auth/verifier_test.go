package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// t0 is the verifiers' clock in these tests.
var t0 = time.Date(2021, 12, 2, 22, 0, 0, 0, time.UTC)

func newKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func newVerifier(t *testing.T, keys ...ed25519.PublicKey) *Verifier {
	t.Helper()
	return newVerifierAt(t, t0, keys...)
}

// newVerifierAt returns a verifier with the default issuer and audience whose clock reads now.
func newVerifierAt(t *testing.T, now time.Time, keys ...ed25519.PublicKey) *Verifier {
	t.Helper()
	v, err := NewVerifier(VerifierConfig{PublicKeys: keys, Issuer: DefaultIssuer, Audience: DefaultAudience,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// operatorClaims are good claims for a Peshmerga operator at t0.
func operatorClaims() claims {
	return claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    DefaultIssuer,
			Subject:   "forces/peshmerga/people/azad",
			Audience:  jwt.ClaimStrings{DefaultAudience},
			IssuedAt:  jwt.NewNumericDate(t0.Add(-time.Minute)),
			NotBefore: jwt.NewNumericDate(t0.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(t0.Add(time.Hour)),
		},
		Force: "forces/peshmerga",
		Role:  "operator",
		Name:  "Azad",
	}
}

func sign(t *testing.T, c claims, m jwt.SigningMethod, key any) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	pub, priv := newKey(t)
	_, otherPriv := newKey(t)
	v := newVerifier(t, pub)
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	with := func(f func(*claims)) claims { c := operatorClaims(); f(&c); return c }
	tests := []struct {
		name    string
		token   string
		want    Identity
		wantErr error
	}{
		{"good", sign(t, operatorClaims(), jwt.SigningMethodEdDSA, priv),
			Identity{Subject: "forces/peshmerga/people/azad", Force: "forces/peshmerga", Role: RoleOperator, DisplayName: "Azad"}, nil},
		{"service token without force", sign(t, with(func(c *claims) { c.Subject, c.Force, c.Role = "services/gateway", "", "service" }), jwt.SigningMethodEdDSA, priv),
			Identity{Subject: "services/gateway", Role: RoleService, DisplayName: "Azad"}, nil},
		{"expired a moment ago, within leeway", sign(t, with(func(c *claims) { c.ExpiresAt = jwt.NewNumericDate(t0.Add(-10 * time.Second)) }), jwt.SigningMethodEdDSA, priv),
			Identity{Subject: "forces/peshmerga/people/azad", Force: "forces/peshmerga", Role: RoleOperator, DisplayName: "Azad"}, nil},
		{"expired", sign(t, with(func(c *claims) { c.ExpiresAt = jwt.NewNumericDate(t0.Add(-time.Hour)) }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenExpired},
		{"not yet valid", sign(t, with(func(c *claims) { c.NotBefore = jwt.NewNumericDate(t0.Add(time.Hour)) }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenNotYetValid},
		{"issued in the future", sign(t, with(func(c *claims) { c.IssuedAt = jwt.NewNumericDate(t0.Add(time.Hour)) }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenNotYetValid},
		{"no expiry", sign(t, with(func(c *claims) { c.ExpiresAt = nil }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"wrong key", sign(t, operatorClaims(), jwt.SigningMethodEdDSA, otherPriv),
			Identity{}, ErrTokenInvalid},
		{"wrong issuer", sign(t, with(func(c *claims) { c.Issuer = "someone-else" }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"wrong audience", sign(t, with(func(c *claims) { c.Audience = jwt.ClaimStrings{"other-app"} }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"no audience", sign(t, with(func(c *claims) { c.Audience = nil }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"missing force", sign(t, with(func(c *claims) { c.Force = "" }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"force not a resource name", sign(t, with(func(c *claims) { c.Force = "peshmerga" }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"missing subject", sign(t, with(func(c *claims) { c.Subject = "" }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"missing role", sign(t, with(func(c *claims) { c.Role = "" }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"unknown role", sign(t, with(func(c *claims) { c.Role = "admin" }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"service claiming a force", sign(t, with(func(c *claims) { c.Role = "service" }), jwt.SigningMethodEdDSA, priv),
			Identity{}, ErrTokenInvalid},
		{"alg none", sign(t, operatorClaims(), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType),
			Identity{}, ErrTokenInvalid},
		{"HS256 keyed with the public key bytes", sign(t, operatorClaims(), jwt.SigningMethodHS256, []byte(pub)),
			Identity{}, ErrTokenInvalid},
		{"HS256 keyed with the public key PEM", sign(t, operatorClaims(), jwt.SigningMethodHS256, pubPEM),
			Identity{}, ErrTokenInvalid},
		{"not a JWT", "not-a-token", Identity{}, ErrTokenInvalid},
		{"empty", "", Identity{}, ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.Verify(tt.token)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Verify error: got %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Verify identity: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestVerifyDuringKeyRotation(t *testing.T) {
	oldPub, oldPriv := newKey(t)
	newPub, newPriv := newKey(t)
	_, strangerPriv := newKey(t)
	v := newVerifier(t, oldPub, newPub)
	tests := []struct {
		name    string
		key     ed25519.PrivateKey
		wantErr bool
	}{
		{"old key", oldPriv, false},
		{"new key", newPriv, false},
		{"unknown key", strangerPriv, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(sign(t, operatorClaims(), jwt.SigningMethodEdDSA, tt.key))
			if got := err != nil; got != tt.wantErr {
				t.Errorf("Verify error: got %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestNewVerifierRefusesIncompleteConfig(t *testing.T) {
	pub, _ := newKey(t)
	tests := []struct {
		name string
		cfg  VerifierConfig
	}{
		{"no key", VerifierConfig{Issuer: "i", Audience: "a"}},
		{"no issuer", VerifierConfig{PublicKeys: []ed25519.PublicKey{pub}, Audience: "a"}},
		{"no audience", VerifierConfig{PublicKeys: []ed25519.PublicKey{pub}, Issuer: "i"}},
		{"short key", VerifierConfig{PublicKeys: []ed25519.PublicKey{pub[:10]}, Issuer: "i", Audience: "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewVerifier(tt.cfg); err == nil {
				t.Error("NewVerifier: got nil error, want refusal")
			}
		})
	}
}

func TestMint(t *testing.T) {
	pub, priv := newKey(t)
	v := newVerifier(t, pub)
	s := NewSigner(priv, DefaultIssuer, DefaultAudience)
	s.now = func() time.Time { return t0 }
	op := Identity{Subject: "forces/iraqi-army/people/ali", Force: "forces/iraqi-army", Role: RoleCommander, DisplayName: "Ali"}
	tests := []struct {
		name    string
		id      Identity
		ttl     time.Duration
		wantErr bool
	}{
		{"commander", op, time.Hour, false},
		{"service", ServiceIdentity("gateway"), time.Hour, false},
		{"zero lifetime", op, 0, true},
		{"no subject", Identity{Force: "forces/iraqi-army", Role: RoleViewer}, time.Hour, true},
		{"no force", Identity{Subject: "forces/iraqi-army/people/ali", Role: RoleViewer}, time.Hour, true},
		{"no role", Identity{Subject: "forces/iraqi-army/people/ali", Force: "forces/iraqi-army"}, time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := s.Mint(tt.id, tt.ttl)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("Mint error: got %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			got, err := v.Verify(token)
			if err != nil {
				t.Fatalf("Verify minted token: %v", err)
			}
			if got != tt.id {
				t.Errorf("round trip: got %+v, want %+v", got, tt.id)
			}
		})
	}

	// The token stops working when its lifetime is over (plus leeway), not before.
	token, err := s.Mint(op, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	late := newVerifierAt(t, t0.Add(time.Hour+DefaultLeeway+time.Second), pub)
	if _, err := late.Verify(token); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("Verify after lifetime: got %v, want %v", err, ErrTokenExpired)
	}
}
