package authtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tansiq/tansiq/platform/auth"
)

// Keys is a token authority for one test: a key the server trusts and one it does not.
type Keys struct {
	priv     ed25519.PrivateKey
	signer   *auth.Signer
	stranger *auth.Signer
	// Verifier trusts the tokens of Token and ExpiredToken (until they expire), and no other.
	Verifier *auth.Verifier
}

// NewKeys makes a fresh trusted key pair and an untrusted one.
func NewKeys(t testing.TB) *Keys {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{
		PublicKeys: []ed25519.PublicKey{pub}, Issuer: auth.DefaultIssuer, Audience: auth.DefaultAudience,
		Forces: KnownForces,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Keys{
		priv:     priv,
		signer:   auth.NewSigner(priv, auth.DefaultIssuer, auth.DefaultAudience),
		stranger: auth.NewSigner(other, auth.DefaultIssuer, auth.DefaultAudience),
		Verifier: v,
	}
}

// Token is a token for id, good for an hour.
func (k *Keys) Token(t testing.TB, id auth.Identity) string {
	t.Helper()
	tok, err := k.signer.Mint(id, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// StrangerToken is a token for id, well formed and current, but signed by a key the
// Verifier does not trust.
func (k *Keys) StrangerToken(t testing.TB, id auth.Identity) string {
	t.Helper()
	tok, err := k.stranger.Mint(id, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// ExpiredToken is a token for id signed with the trusted key that expired an hour ago,
// well past any clock-skew leeway. auth.Signer only mints current tokens, so this one is
// built with the JWT library directly, with the claims the Signer writes; tests should
// check the refusal's reason (TOKEN_EXPIRED) so a drift in the claims shows.
func (k *Keys) ExpiredToken(t testing.TB, id auth.Identity) string {
	t.Helper()
	issued := time.Now().Add(-2 * time.Hour)
	c := jwt.MapClaims{
		"iss": auth.DefaultIssuer, "aud": []string{auth.DefaultAudience}, "sub": id.Subject,
		"iat": issued.Unix(), "nbf": issued.Unix(), "exp": issued.Add(time.Hour).Unix(),
		"role": string(id.Role), "jti": "expired-" + id.Subject,
	}
	if id.Force != "" {
		c["force"] = id.Force
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c).SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
