// Package handler serves tansiq.meeting.v1.MeetingService: each method validates its
// request, checks the people and units it names against the forces service (through the
// Directory interface, one batch call per kind), calls the domain and the store, and maps
// failures to gRPC statuses in one place.
//
// One file per resource (meetings.go, decisions.go, action_items.go) holds its methods, its
// filter and update mask, its checks and its API conversions; handler.go holds the shapes
// every resource shares (get, page, retry answers), requests.go the checks of request
// fields, directory.go the questions asked of the forces service.
package handler

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/orderby"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/resname"
	"github.com/tansiq/tansiq/platform/store"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// errorDomain is the google.rpc.ErrorInfo domain of this service's errors.
const errorDomain = "tansiq.meeting"

// Handler implements MeetingService.
type Handler struct {
	meetingv1.UnimplementedMeetingServiceServer
	meetings    *meetingstore.Meetings
	decisions   *meetingstore.Decisions
	actionItems *meetingstore.ActionItems
	dir         Directory
	tokens      *pagetoken.Codec
	now         func() time.Time
	// lookupTimeout bounds each call to the directory (see lookup).
	lookupTimeout time.Duration
}

// New returns the handler over the given store, checking people and units with dir.
func New(s *meetingstore.Store, dir Directory, tokens *pagetoken.Codec) *Handler {
	return &Handler{
		meetings: s.Meetings, decisions: s.Decisions, actionItems: s.ActionItems,
		dir: dir, tokens: tokens, now: time.Now, lookupTimeout: defaultLookupTimeout,
	}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) { meetingv1.RegisterMeetingServiceServer(s, h) }

// stamp is the current time as the store keeps it, to the millisecond, so a response never
// shows a finer time than a later read returns.
func (h *Handler) stamp() time.Time { return reqcheck.Stored(h.now()) }

func toStatus(err error) error { return apperr.ToStatus(err, errorDomain) }

// actor is who acts on this call, and the one place it is decided: the force the caller's
// verified identity speaks for (never a field of the request, so a force cannot act for
// another), and the person when the caller is one. What the actor may do is authorized
// centrally (platform/access).
func actor(ctx context.Context) domain.Actor {
	a := domain.Actor{Force: access.ActingForce(ctx, "")}
	if id := access.Caller(ctx); resname.Matches(resname.Person, id.Subject) {
		a.Person = id.Subject
	}
	return a
}

// get is every Get method: the name checked against its pattern (platform/resname), the
// record read from the cache, and the caller's right to read it.
func get[T any](ctx context.Context, c *store.Collection[T], name, pattern string) (*store.Doc[T], error) {
	var v apperr.Violations
	resname.Check(&v, "name", name, pattern)
	if err := v.Err(); err != nil {
		return nil, err
	}
	d, err := c.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	return d, access.Read(ctx, d.Name, d.Owner)
}

// newName names a new record of collection ("meetings", "meetings/m1/decisions"): the id
// the client chose, or a random one starting with prefix.
func newName(collection, id, prefix string) string {
	if id == "" {
		id = prefix + store.NewID()
	}
	return collection + "/" + id
}

// priorCreate answers a create's retry from what the first call stored (nil, nil when the
// request id is new), for a caller who may change that record. It is asked before the
// forces service, so that a retry is answered from what is stored, as AIP-155 wants, even
// while the forces service is down or after a person it named was removed.
func priorCreate[T any](ctx context.Context, c *store.Collection[T], requestID, hash string) (*store.Doc[T], error) {
	prior, err := c.Prior(ctx, requestID, hash)
	if err != nil || prior == nil {
		return nil, err
	}
	return prior, access.Change(ctx, prior.Name, prior.Owner)
}

// beforeLookup reads the record an update will change when the update must ask the forces
// service first: for a caller may allows (refused before anything is asked on its behalf),
// and unless the request was applied already: then done is true and d answers the retry.
// The compare-and-swap that follows authorizes and checks for a retry again.
func beforeLookup[T any](ctx context.Context, c *store.Collection[T], ch store.Change, may func(*store.Doc[T]) error) (d *store.Doc[T], done bool, err error) {
	d, err = c.Get(ctx, ch.Name)
	if err != nil {
		return nil, false, err
	}
	if err := may(d); err != nil {
		return nil, false, err
	}
	done, err = meetingstore.Replayed(d, ch.RequestID, ch.RequestHash)
	return d, done, err
}

// pageRequest reads a List request's page size and token (issued for query): the size,
// and the position the token holds (nil on the first page).
func pageRequest(h *Handler, v *apperr.Violations, query string, pageSize int32, token string) (int, *store.Cursor) {
	size := reqcheck.PageSize(v, pageSize)
	if token == "" {
		return size, nil
	}
	var pos store.Cursor
	if err := h.tokens.Decode(query, token, &pos); errors.Is(err, pagetoken.ErrInvalid) {
		v.Add("page_token", "is not a token from this query's previous page")
	}
	return size, &pos
}

// nextPage cuts docs, listed in order with one more than size, to the page, and returns
// the token of the next page (empty on the last), holding the place of the page's last
// record. The records the caller may not read are left out as if they did not exist (the
// token still moves past them).
func nextPage[T any](ctx context.Context, h *Handler, query string, docs []*store.Doc[T], size int, order store.Sort[T]) ([]*store.Doc[T], string, error) {
	token := ""
	if len(docs) > size {
		docs = docs[:size]
		t, err := h.tokens.Encode(query, order.CursorOf(docs[size-1]))
		if err != nil {
			return nil, "", err
		}
		token = t
	}
	out := docs[:0:0]
	for _, d := range docs {
		if access.Read(ctx, d.Name, d.Owner) == nil {
			out = append(out, d)
		}
	}
	return out, token, nil
}

// listOrder reads a List request's order_by: the sort of sorts it asks for (a violation on
// order_by when it asks for none of them).
func listOrder[T any](v *apperr.Violations, orderBy string, sorts store.Sorts[T]) store.Sort[T] {
	return sorts.Get(orderby.Check(v, orderBy, sorts.Names()...))
}

// pageQuery identifies a List query for its page tokens: the parent, the filter and the
// order, so a token is refused under another parent, filter or order.
func pageQuery(parent, filter, order string) string {
	return parent + "\x00" + pagetoken.Query(filter, order)
}
