package handler

import (
	"errors"
	"github.com/tansiq/tansiq/platform/reqcheck"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

// The filters the List methods accept, as their requests document.
var (
	unitSchema = filter.Schema{
		"echelon":                 {Type: filter.Enum, Values: reqcheck.EnumNames(forcesv1.Echelon_name)},
		"parent_unit":             {Type: filter.String},
		"readiness":               {Type: filter.Enum, Values: reqcheck.EnumNames(forcesv1.Readiness_name)},
		"last_position.latitude":  {Type: filter.Number, Ops: filter.Ordered},
		"last_position.longitude": {Type: filter.Number, Ops: filter.Ordered},
	}
	personSchema = filter.Schema{
		"unit": {Type: filter.String},
		"rank": {Type: filter.String},
	}
	positionSchema = filter.Schema{
		"report_time": {Type: filter.Time, Ops: filter.Ordered},
	}
)

// decodeToken opens a page_token issued for query into pos; a token from another query,
// or altered, is a violation.
func (h *Handler) decodeToken(v *apperr.Violations, query, token string, pos any) {
	if token == "" {
		return
	}
	if err := h.tokens.Decode(query, token, pos); errors.Is(err, pagetoken.ErrInvalid) {
		v.Add("page_token", "is not a token from this query's previous page")
	}
}

// nameCursor is where a page in name order ends.
type nameCursor struct {
	Name string `json:"n"`
}

// namePage trims docs, fetched with one extra, to size and returns the token of the next
// page ("" on the last).
func namePage[T any](h *Handler, query string, docs []*store.Doc[T], size int) ([]*store.Doc[T], string, error) {
	if len(docs) <= size {
		return docs, "", nil
	}
	docs = docs[:size]
	tok, err := h.tokens.Encode(query, nameCursor{Name: docs[size-1].Name})
	return docs, tok, err
}

// listQuery identifies a list query for its page tokens: a token is good only for the
// parent and filter it was issued for.
func listQuery(parent, filter string) string { return parent + "\n" + filter }
