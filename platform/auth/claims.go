package auth

import "github.com/golang-jwt/jwt/v5"

// claims is the token body: the registered claims (iss, sub, aud, exp, nbf, iat, jti) and
// Tansiq's own. A token names one person in one force with one role.
type claims struct {
	jwt.RegisteredClaims
	Force string `json:"force,omitempty"`
	Role  string `json:"role,omitempty"`
	Name  string `json:"name,omitempty"`
}

// signingMethod is the only algorithm minted and accepted. Pinning it is what defeats "alg:
// none" and algorithm-confusion tokens (an HS256 token keyed with the public key).
var signingMethod = jwt.SigningMethodEdDSA
