package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// maxBatch is the most names a batch get takes, as the API documents.
const maxBatch = 200

// batchNames checks a batch's size and returns its distinct names in the order first
// named, and those of them well-formed enough to look up.
func batchNames(names []string, valid func(string) bool) (distinct, lookup []string, err error) {
	var v apperr.Violations
	switch {
	case len(names) == 0:
		v.Add("names", "name at least one")
	case len(names) > maxBatch:
		v.Add("names", "at most %d names", maxBatch)
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		distinct = append(distinct, n)
		if valid(n) {
			lookup = append(lookup, n)
		}
	}
	return distinct, lookup, nil
}

// BatchGetUnits returns the named units in one query, and the names that are not units
// (unknown or malformed), each once, in the order first named.
func (h *Handler) BatchGetUnits(ctx context.Context, req *forcesv1.BatchGetUnitsRequest) (*forcesv1.BatchGetUnitsResponse, error) {
	distinct, lookup, err := batchNames(req.GetNames(), domain.IsUnitName)
	if err != nil {
		return nil, toStatus(err)
	}
	found, err := h.units.BatchGet(ctx, lookup)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &forcesv1.BatchGetUnitsResponse{}
	for _, n := range distinct {
		// A unit the caller may not see is reported missing, as if it did not exist.
		if d, ok := found[n]; ok && access.Read(ctx, d.Name, d.Owner) == nil {
			resp.Units = append(resp.Units, visibleUnit(ctx, d))
		} else {
			resp.MissingNames = append(resp.MissingNames, n)
		}
	}
	return resp, nil
}

// BatchGetPeople returns the named people in one query, and the names that are not people
// (unknown or malformed), each once, in the order first named.
func (h *Handler) BatchGetPeople(ctx context.Context, req *forcesv1.BatchGetPeopleRequest) (*forcesv1.BatchGetPeopleResponse, error) {
	distinct, lookup, err := batchNames(req.GetNames(), domain.IsPersonName)
	if err != nil {
		return nil, toStatus(err)
	}
	found, err := h.people.BatchGet(ctx, lookup)
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &forcesv1.BatchGetPeopleResponse{}
	for _, n := range distinct {
		if d, ok := found[n]; ok && access.Read(ctx, d.Name, d.Owner) == nil {
			resp.People = append(resp.People, personToProto(d))
		} else {
			resp.MissingNames = append(resp.MissingNames, n)
		}
	}
	return resp, nil
}
