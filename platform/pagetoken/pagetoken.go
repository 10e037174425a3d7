// Package pagetoken makes the opaque page tokens of List methods (AIP-158). A token
// carries the position after the last item returned and a digest of the query it
// belongs to, sealed with an HMAC: a token that was altered, or replayed against a
// different filter, is refused as invalid rather than trusted.
package pagetoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
)

// ErrInvalid is returned for any token that was not issued for this query.
var ErrInvalid = errors.New("invalid page token")

// Codec seals and opens page tokens with one secret; every replica of a service must
// share it so a token from one is accepted by another.
type Codec struct {
	key []byte
}

// New returns a codec keyed by secret.
func New(secret string) *Codec { return &Codec{key: []byte(secret)} }

type envelope struct {
	Query string          `json:"q"`
	Pos   json.RawMessage `json:"p"`
}

// Encode returns a token for the position pos within the query identified by query
// (e.g. the filter and order, as the caller wrote them).
func (c *Codec) Encode(query string, pos any) (string, error) {
	p, err := json.Marshal(pos)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(envelope{Query: digest(query), Pos: p})
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, c.key)
	mac.Write(body)
	return base64.RawURLEncoding.EncodeToString(append(mac.Sum(nil), body...)), nil
}

// Decode opens a token issued by Encode for the same query into pos.
func (c *Codec) Decode(query, token string, pos any) error {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) <= sha256.Size || len(raw) > 4096 {
		return ErrInvalid
	}
	sum, body := raw[:sha256.Size], raw[sha256.Size:]
	mac := hmac.New(sha256.New, c.key)
	mac.Write(body)
	if !hmac.Equal(sum, mac.Sum(nil)) {
		return ErrInvalid
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Query != digest(query) {
		return ErrInvalid
	}
	if err := json.Unmarshal(env.Pos, pos); err != nil {
		return ErrInvalid
	}
	return nil
}

func digest(query string) string {
	s := sha256.Sum256([]byte(query))
	return base64.RawURLEncoding.EncodeToString(s[:12])
}

// Query identifies a list query for Encode and Decode by its filter and its order: a token
// is valid only for the filter and the order_by (as orderby.Check returns it) it was issued
// under, since its position means nothing in another order.
func Query(filter, order string) string { return filter + "\x00" + order }
