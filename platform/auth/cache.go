package auth

import (
	"sync"
	"time"
)

// DefaultCacheSize bounds how many verified tokens a Verifier remembers. Each entry is the
// token and an Identity (under 1 KiB for the tokens Tansiq mints; a token over
// maxCachedToken is never cached), so the default costs a few MiB, 17 MiB at most.
const DefaultCacheSize = 4096

// maxCachedToken is the longest token the cache holds; a longer one is checked in full on
// every call.
const maxCachedToken = 4 << 10

// tokenCache remembers tokens already verified, so a caller presenting the same token on
// every call costs one Ed25519 check per token rather than one per call. It holds only
// tokens that passed every check, keyed by the whole token (any other token, however
// similar, is a miss; a look-up copies nothing: the SHA-256 key it had before copied the
// token, about 500 bytes, on every call), and serves an entry only while the clock is before
// the token's exp: at exp the token goes through the full check again, which refuses it.
// Entries are therefore never used past exp whatever the leeway. It is safe for
// concurrent use.
type tokenCache struct {
	max     int
	mu      sync.RWMutex
	entries map[string]cachedToken
}

type cachedToken struct {
	id  Identity
	exp time.Time
}

func newTokenCache(size int) *tokenCache {
	if size <= 0 {
		return nil
	}
	return &tokenCache{max: size, entries: make(map[string]cachedToken, min(size, 1024))}
}

// get returns the identity of token if it was verified before and now is before its exp.
func (c *tokenCache) get(key string, now time.Time) (Identity, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || !now.Before(e.exp) {
		return Identity{}, false
	}
	return e.id, true
}

// put remembers a verified token until exp. When the cache is full it first drops the
// expired entries and, if none were, an arbitrary one: the bound holds under any load, and
// a token dropped early only costs one more full check.
func (c *tokenCache) put(key string, id Identity, exp, now time.Time) {
	if !now.Before(exp) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.exp) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = cachedToken{id: id, exp: exp}
}

func (c *tokenCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
