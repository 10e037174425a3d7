package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestClaimsMustAgree repeats issue 13, row 9: tokens whose claims contradict each other, name
// a force that does not exist, or last for ever were accepted. Each is refused as invalid;
// the last rows show the caps are exactly where the README says.
func TestClaimsMustAgree(t *testing.T) {
	pub, priv := newKey(t)
	v := newVerifier(t, pub)
	with := func(f func(*claims)) claims { c := operatorClaims(); f(&c); return c }
	life := func(d time.Duration) func(*claims) {
		return func(c *claims) { c.ExpiresAt = jwt.NewNumericDate(c.IssuedAt.Add(d)) }
	}
	tests := []struct {
		name   string
		claims claims
		want   error
	}{
		{"subject of one force, force claim of the other", with(func(c *claims) { c.Force = "forces/iraqi-army" }), ErrTokenInvalid},
		{"subject outside any force", with(func(c *claims) { c.Subject = "azad" }), ErrTokenInvalid},
		{"subject below a person", with(func(c *claims) { c.Subject = "forces/peshmerga/people/azad/extra" }), ErrTokenInvalid},
		{"unknown force", with(func(c *claims) { c.Subject, c.Force = "forces/isis/people/x", "forces/isis" }), ErrTokenInvalid},
		{"service subject not services/...", with(func(c *claims) { c.Subject, c.Force, c.Role = "forces/peshmerga/people/azad", "", "service" }), ErrTokenInvalid},
		{"expiry in year 9999", with(func(c *claims) { c.ExpiresAt = jwt.NewNumericDate(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)) }), ErrTokenInvalid},
		{"person: a second over 24 h", with(life(DefaultMaxLifetime + time.Second)), ErrTokenInvalid},
		{"person: exactly 24 h", with(life(DefaultMaxLifetime)), nil},
		{"person: no iat, nbf to exp over 24 h", with(func(c *claims) {
			c.ExpiresAt, c.IssuedAt = jwt.NewNumericDate(c.NotBefore.Add(25*time.Hour)), nil
		}), ErrTokenInvalid},
		{"service: 30 days", with(func(c *claims) {
			c.Subject, c.Force, c.Role = "services/gateway", "", "service"
			life(DefaultMaxServiceLifetime)(c)
		}), nil},
		{"service: over 30 days", with(func(c *claims) {
			c.Subject, c.Force, c.Role = "services/gateway", "", "service"
			life(DefaultMaxServiceLifetime + time.Second)(c)
		}), ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(sign(t, tt.claims, jwt.SigningMethodEdDSA, priv))
			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Verify: got %v, want %v", err, tt.want)
			}
		})
	}
}
