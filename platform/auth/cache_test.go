package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// clock is a settable clock for verifiers under test.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock    { c := &clock{}; c.set(t); return c }
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// cachedVerifier returns a verifier with no leeway whose clock is c.
func cachedVerifier(t *testing.T, c *clock, size int, keys ...ed25519.PublicKey) *Verifier {
	t.Helper()
	v, err := NewVerifier(VerifierConfig{PublicKeys: keys, Issuer: DefaultIssuer, Audience: DefaultAudience,
		Now: c.now, CacheSize: size, Leeway: -1})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCachedTokenRefusedAtItsExpiry(t *testing.T) {
	pub, priv := newKey(t)
	c := newClock(t0)
	v := cachedVerifier(t, c, 16, pub)
	token := sign(t, operatorClaims(), jwt.SigningMethodEdDSA, priv) // exp = t0 + 1h
	for range 2 {
		if _, err := v.Verify(token); err != nil {
			t.Fatalf("fresh token refused: %v", err)
		}
	}
	if v.cache.len() != 1 {
		t.Fatalf("cache holds %d tokens after two calls with one token, want 1", v.cache.len())
	}
	c.set(t0.Add(time.Hour)) // exactly exp: the token is no longer valid
	if _, err := v.Verify(token); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("cached token at its exp: err = %v, want ErrTokenExpired", err)
	}
	c.add(time.Hour)
	if _, err := v.Verify(token); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("cached token after its exp: err = %v, want ErrTokenExpired", err)
	}
}

func TestCacheKeepsTokensApart(t *testing.T) {
	pub, priv := newKey(t)
	_, otherPriv := newKey(t)
	c := newClock(t0)
	v := cachedVerifier(t, c, 16, pub)
	azad := sign(t, operatorClaims(), jwt.SigningMethodEdDSA, priv)
	rawClaims := operatorClaims()
	rawClaims.Subject, rawClaims.Force, rawClaims.Name = "forces/iraqi-army/people/ali", "forces/iraqi-army", "Ali"
	ali := sign(t, rawClaims, jwt.SigningMethodEdDSA, priv)
	forged := sign(t, operatorClaims(), jwt.SigningMethodEdDSA, otherPriv) // same claims, wrong key
	for range 2 {
		if id, err := v.Verify(azad); err != nil || id.Force != "forces/peshmerga" {
			t.Fatalf("azad: %+v, %v", id, err)
		}
		if id, err := v.Verify(ali); err != nil || id.Force != "forces/iraqi-army" || id.Subject != rawClaims.Subject {
			t.Fatalf("ali: %+v, %v", id, err)
		}
		if _, err := v.Verify(forged); !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("token with the same claims signed by another key: err = %v, want ErrTokenInvalid", err)
		}
		// The cached token with a byte of its signature changed is another token: a full check
		// refuses it. (Not the last byte: base64's padding bits would leave the signature as is.)
		at := len(azad) - 10
		if _, err := v.Verify(azad[:at] + flip(azad[at]) + azad[at+1:]); !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("altered cached token: err = %v, want ErrTokenInvalid", err)
		}
	}
	if n := v.cache.len(); n != 2 {
		t.Fatalf("cache holds %d tokens, want the 2 good ones", n)
	}
}

func flip(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}

func TestCacheNeverHoldsRefusedOrNotYetValidTokens(t *testing.T) {
	pub, priv := newKey(t)
	c := newClock(t0.Add(-2 * time.Minute)) // before the token's nbf and iat
	v := cachedVerifier(t, c, 16, pub)
	token := sign(t, operatorClaims(), jwt.SigningMethodEdDSA, priv)
	if _, err := v.Verify(token); !errors.Is(err, ErrTokenNotYetValid) {
		t.Fatalf("before nbf: err = %v, want ErrTokenNotYetValid", err)
	}
	if n := v.cache.len(); n != 0 {
		t.Fatalf("a refused token was cached (%d entries)", n)
	}
	c.set(t0)
	if _, err := v.Verify(token); err != nil {
		t.Fatalf("at t0: %v", err)
	}
}

func TestCacheIsBounded(t *testing.T) {
	pub, priv := newKey(t)
	c := newClock(t0)
	const size = 8
	v := cachedVerifier(t, c, size, pub)
	tokens := make([]string, 3*size)
	for i := range tokens {
		cl := operatorClaims()
		cl.ID = fmt.Sprint(i)
		tokens[i] = sign(t, cl, jwt.SigningMethodEdDSA, priv)
		if _, err := v.Verify(tokens[i]); err != nil {
			t.Fatal(err)
		}
		if n := v.cache.len(); n > size {
			t.Fatalf("cache holds %d tokens, bound %d", n, size)
		}
	}
	for _, tok := range tokens { // evicted tokens are verified again, not refused
		if _, err := v.Verify(tok); err != nil {
			t.Fatal(err)
		}
	}
}

// A token over maxCachedToken is checked in full on every call and never held, so the
// cache's memory stays bounded whatever the tokens' size.
func TestCacheHoldsNoLongToken(t *testing.T) {
	pub, priv := newKey(t)
	v := cachedVerifier(t, newClock(t0), 16, pub)
	cl := operatorClaims()
	cl.ID = strings.Repeat("x", maxCachedToken)
	long := sign(t, cl, jwt.SigningMethodEdDSA, priv)
	for range 2 {
		if _, err := v.Verify(long); err != nil {
			t.Fatal(err)
		}
	}
	if n := v.cache.len(); n != 0 {
		t.Fatalf("cache holds %d tokens after a %d-byte one, want 0", n, len(long))
	}
}

// A cached token is looked up without copying it: the call's only allocation-free path.
func TestCachedVerifyAllocatesNothing(t *testing.T) {
	pub, priv := newKey(t)
	v := cachedVerifier(t, newClock(t0), 16, pub)
	token := sign(t, operatorClaims(), jwt.SigningMethodEdDSA, priv)
	if _, err := v.Verify(token); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = v.Verify(token) }); n != 0 {
		t.Fatalf("a cached token's check allocates %v times, want 0", n)
	}
}

func TestCacheOffVerifiesEveryTime(t *testing.T) {
	pub, priv := newKey(t)
	v := cachedVerifier(t, newClock(t0), -1, pub)
	if v.cache != nil {
		t.Fatal("negative CacheSize left a cache")
	}
	if _, err := v.Verify(sign(t, operatorClaims(), jwt.SigningMethodEdDSA, priv)); err != nil {
		t.Fatal(err)
	}
}

// Under -race: concurrent callers with a few tokens each get their own identity back.
func TestCacheConcurrentCallers(t *testing.T) {
	pub, priv := newKey(t)
	v := cachedVerifier(t, newClock(t0), 4, pub)
	tokens := make([]string, 6)
	for i := range tokens {
		cl := operatorClaims()
		cl.Subject = fmt.Sprintf("forces/peshmerga/people/p%d", i)
		tokens[i] = sign(t, cl, jwt.SigningMethodEdDSA, priv)
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				k := (g + i) % len(tokens)
				id, err := v.Verify(tokens[k])
				if err != nil || id.Subject != fmt.Sprintf("forces/peshmerga/people/p%d", k) {
					t.Errorf("token %d: %+v, %v", k, id, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkVerify(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, operatorClaims()).SignedString(priv)
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{-1, 0} {
		v, err := NewVerifier(VerifierConfig{PublicKeys: []ed25519.PublicKey{pub}, Issuer: DefaultIssuer, Audience: DefaultAudience,
			Now: func() time.Time { return t0 }, CacheSize: size})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(map[int]string{-1: "uncached", 0: "cached"}[size], func(b *testing.B) {
			for b.Loop() {
				if _, err := v.Verify(token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
