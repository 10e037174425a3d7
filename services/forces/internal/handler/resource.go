package handler

import (
	"context"
	"errors"

	"google.golang.org/protobuf/proto"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/fieldmask"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// The shapes every resource's methods share (AIP-131 to 135): each resource's file says
// only what is its own (its checks, its rules, its conversion).

// getRecord answers a Get: the name checked, the record from the cache, and a record the
// caller may not read refused as access.Read says.
func getRecord[T any](ctx context.Context, rule nameRule, name string, coll *store.Collection[T]) (*store.Doc[T], error) {
	var v apperr.Violations
	rule.check(&v, "name", name, false)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := coll.Get(ctx, name)
	if err != nil {
		return nil, toStatus(err)
	}
	if err := access.Read(ctx, d.Name, d.Owner); err != nil {
		return nil, toStatus(err)
	}
	return d, nil
}

// recordID is the id a Create request gave, or a new random one starting with prefix.
func recordID(id, prefix string) string {
	if id == "" {
		return prefix + store.NewID()
	}
	return id
}

// createRecord stores body as the new record name of force, which only the force's
// operators may add, for the Create request req. check runs inside the store's
// compare-and-swap (see Collection.CreateChecked) and holding h.refs, after a retry of req
// is answered with the first result.
func createRecord[T any](ctx context.Context, h *Handler, coll *store.Collection[T], force, name string, req createRequest, body T, check func(context.Context) error) (*store.Doc[T], error) {
	if err := access.Change(ctx, name, force); err != nil {
		return nil, toStatus(err)
	}
	h.refs.Lock()
	defer h.refs.Unlock()
	if err := h.checkForce(ctx, force); err != nil {
		return nil, toStatus(err)
	}
	d, err := coll.CreateChecked(ctx, &store.Doc[T]{
		Name: name, Owner: force, RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Body: body,
	}, check)
	return d, toStatus(err)
}

// createRequest is a Create request: its request_id makes it idempotent.
type createRequest interface {
	proto.Message
	GetRequestId() string
}

// kind says how Create and Update requests write a force's records stored as T and sent
// as M: their field in the requests, the fields an update_mask may name (setters), their
// checks on the request and on the record's final state, and the conversion.
type kind[T any, M interface {
	GetName() string
	GetEtag() string
}] struct {
	coll      *store.Collection[T]
	field     string // the resource's field in the requests ("unit")
	idPrefix  string // of the random ids of records created without one
	nameOf    func(force, id string) string
	rule      nameRule
	setters   map[string]func(dst *T, src T)
	validate  func(v *apperr.Violations, field string, in M, paths map[string]bool)
	fromProto func(M) T
	// check sees the record's final state, inside the compare-and-swap, holding h.refs;
	// paths is nil on a create.
	check func(ctx context.Context, name string, body *T, paths map[string]bool) error
}

// create answers a Create request req of resource in, with id in force parent: a retry
// with the same request_id returns the first result. The record belongs to the force it
// is created in: only that force's operators add it.
func (k kind[T, M]) create(ctx context.Context, h *Handler, parent, id string, in M, req createRequest) (*store.Doc[T], error) {
	var v apperr.Violations
	forceName.check(&v, "parent", parent, false)
	k.validate(&v, k.field, in, nil)
	validateID(&v, k.field+"_id", id, false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	name := k.nameOf(parent, recordID(id, k.idPrefix))
	body := k.fromProto(in)
	return createRecord(ctx, h, k.coll, parent, name, req, body,
		func(ctx context.Context) error { return k.check(ctx, name, &body, nil) })
}

// update answers an Update request req of resource in: the fields named in mask are set,
// if the etag (when given) matches, in one compare-and-swap that only the owning force's
// operators may make.
func (k kind[T, M]) update(ctx context.Context, h *Handler, in M, mask []string, req createRequest) (*store.Doc[T], error) {
	var v apperr.Violations
	k.rule.check(&v, k.field+".name", in.GetName(), false)
	paths := fieldmask.Check(&v, mask, k.setters)
	if len(paths) > 0 {
		k.validate(&v, k.field, in, paths)
	}
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	patch := k.fromProto(in)
	h.refs.Lock()
	defer h.refs.Unlock()
	d, err := k.coll.UpdateAuthorized(ctx, store.Change{
		Name: in.GetName(), Etag: in.GetEtag(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "updated",
	}, store.OwnerMayChange[T](ctx), func(d *store.Doc[T]) error {
		fieldmask.Apply(&d.Body, patch, paths, k.setters)
		return k.check(ctx, d.Name, &d.Body, paths)
	})
	return d, toStatus(err)
}

// deleteRecord deletes the record name (checked by rule) through remove, which checks
// etag (when given) and the record's referrers, for the Delete request req, holding
// h.refs. Only the operators of the force that owns it may: that is checked by its name
// first, because the store answers a retry of a deletion already done without looking at
// the (gone) record, and another force must not get that answer.
func deleteRecord(ctx context.Context, h *Handler, rule nameRule, name, etag string, req createRequest, remove func(context.Context, store.Removal) error) error {
	var v apperr.Violations
	rule.check(&v, "name", name, false)
	reqcheck.RequestID(&v, req.GetRequestId())
	if err := v.Err(); err != nil {
		return toStatus(err)
	}
	if err := access.Change(ctx, name, domain.ForceOf(name)); err != nil {
		return toStatus(err)
	}
	h.refs.Lock()
	defer h.refs.Unlock()
	return toStatus(remove(ctx, store.Removal{Name: name, Etag: etag, RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req)}))
}

// listRequest is a List request of one force's records, or every force's.
type listRequest interface {
	GetParent() string
	GetPageSize() int32
	GetPageToken() string
}

// lister lists up to limit records of force ("" for all) matching the filter, in order,
// after the cursor after.
type lister[T any] func(ctx context.Context, force string, f filter.Filter, order store.Sort[T], after *store.Cursor, limit int) ([]*store.Doc[T], error)

// listRecords answers a List of one force's records (parent "forces/{force}") or every
// force's ("forces/-") in the order orderBy asks for (one of sorts), filtered by
// filterText under schema (nil: a method without a filter): the readable records of the
// page, and the next page's token.
func listRecords[T any](ctx context.Context, h *Handler, req listRequest, filterText, orderBy string, schema filter.Schema, sorts store.Sorts[T], list lister[T]) ([]*store.Doc[T], string, error) {
	var v apperr.Violations
	listParent.check(&v, "parent", req.GetParent(), false)
	var f filter.Filter
	if schema != nil {
		var err error
		if f, err = schema.Parse(filterText); err != nil {
			v.Add("filter", "%v", err)
		}
	}
	order := sorts.Get(orderby.Check(&v, orderBy, sorts.Names()...))
	p := h.readPage(&v, listQuery(req.GetParent(), pagetoken.Query(filterText, order.OrderBy)), req.GetPageSize(), req.GetPageToken())
	if err := v.Err(); err != nil {
		return nil, "", toStatus(err)
	}
	force, err := h.forceOfParent(ctx, req.GetParent())
	if err != nil {
		return nil, "", toStatus(err)
	}
	return listed(ctx, h, p, order, func(after *store.Cursor, limit int) ([]*store.Doc[T], error) {
		return list(ctx, force, f, order, after, limit)
	})
}

// page is a List request's page.
type page struct {
	query string // what its tokens are good for
	size  int
	after *store.Cursor // nil for the first page
}

// readPage checks a List request's page_size and page_token; a token issued for another
// query than query, or altered, is a violation.
func (h *Handler) readPage(v *apperr.Violations, query string, size int32, token string) page {
	p := page{query: query, size: reqcheck.PageSize(v, size)}
	if token != "" {
		p.after = &store.Cursor{}
		if err := h.tokens.Decode(query, token, p.after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	return p
}

// listed reads page p in order through list (one record more than the page, to tell
// whether another page follows) and returns the records of it the caller may read, and
// the next page's token ("" on the last). The token moves past the records left out.
func listed[T any](ctx context.Context, h *Handler, p page, order store.Sort[T], list func(after *store.Cursor, limit int) ([]*store.Doc[T], error)) ([]*store.Doc[T], string, error) {
	docs, err := list(p.after, p.size+1)
	if err != nil {
		return nil, "", toStatus(err)
	}
	next := ""
	if len(docs) > p.size {
		docs = docs[:p.size]
		if next, err = h.tokens.Encode(p.query, order.CursorOf(docs[p.size-1])); err != nil {
			return nil, "", toStatus(err)
		}
	}
	out := docs[:0:0]
	for _, d := range docs {
		if access.Read(ctx, d.Name, d.Owner) == nil {
			out = append(out, d)
		}
	}
	return out, next, nil
}

// listQuery identifies a list query for its page tokens: a token is good only for the
// parent, filter and order it was issued for (query: pagetoken.Query's, or what else
// the method's pages depend on).
func listQuery(parent, query string) string { return parent + "\n" + query }

// maxBatch is the most names a batch get takes, as the API documents.
const maxBatch = 200

// batchRecords answers a BatchGet: the named records the caller may read, in the order
// first named, and the names that are not such records (unknown, unreadable or not valid
// names), each once. A record the caller may not read is reported missing, as if it did
// not exist.
func batchRecords[T any](ctx context.Context, names []string, valid func(string) bool, get func(ctx context.Context, names []string) (map[string]*store.Doc[T], error)) (found []*store.Doc[T], missing []string, err error) {
	var v apperr.Violations
	switch {
	case len(names) == 0:
		v.Add("names", "name at least one")
	case len(names) > maxBatch:
		v.Add("names", "at most %d names", maxBatch)
	}
	if err := v.Err(); err != nil {
		return nil, nil, toStatus(err)
	}
	var distinct, lookup []string
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
	docs, err := get(ctx, lookup)
	if err != nil {
		return nil, nil, toStatus(err)
	}
	for _, n := range distinct {
		if d, ok := docs[n]; ok && access.Read(ctx, d.Name, d.Owner) == nil {
			found = append(found, d)
		} else {
			missing = append(missing, n)
		}
	}
	return found, missing, nil
}
