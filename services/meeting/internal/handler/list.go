package handler

import (
	"errors"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
)

// Page sizes (AIP-158).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// pageSize checks a requested page size and returns the one to use.
func pageSize(v *apperr.Violations, n int32) int {
	switch {
	case n < 0:
		v.Add("page_size", "must not be negative")
	case n == 0:
		return defaultPageSize
	case n > maxPageSize:
		return maxPageSize
	}
	return int(n)
}

// pagePosition opens a page token issued for query into pos; it reports whether there was
// a token, and records a violation when the token is not one of this query's.
func (h *Handler) pagePosition(v *apperr.Violations, query, token string, pos any) bool {
	if token == "" {
		return false
	}
	if err := h.tokens.Decode(query, token, pos); errors.Is(err, pagetoken.ErrInvalid) {
		v.Add("page_token", "is not a token from this query's previous page")
	}
	return true
}

// pageQuery identifies a List query for its page tokens: the parent and the filter, so a
// token is refused under another parent as under another filter.
func pageQuery(parent, filter string) string { return parent + "\x00" + filter }

func enumNames(m map[int32]string) []string {
	out := make([]string, 0, len(m))
	for n, s := range m {
		if n != 0 {
			out = append(out, s)
		}
	}
	return out
}
