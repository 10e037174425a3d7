package handler

import (
	"errors"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
)

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
