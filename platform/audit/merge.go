package audit

import (
	"context"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/reqcheck"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

// Trail is one server's AuditService as a client sees it.
type Trail interface {
	ListAuditRecords(ctx context.Context, in *auditv1.ListAuditRecordsRequest, opts ...grpc.CallOption) (*auditv1.ListAuditRecordsResponse, error)
	GetAuditRecord(ctx context.Context, in *auditv1.GetAuditRecordRequest, opts ...grpc.CallOption) (*auditv1.GetAuditRecordResponse, error)
}

// Source is one server whose trail a Merged service lists.
type Source struct {
	Name  string
	Trail Trail
}

// Merged serves one trail over several servers' trails (the gateway's own and every
// service's): each server keeps its own records in its own database, and a list asks each
// of them with the caller's token, so each applies the audit-read rule itself. A server
// that cannot answer fails the list: a trail with a silent gap would be worse than none.
type Merged struct {
	auditv1.UnimplementedAuditServiceServer
	sources []Source
	tokens  *pagetoken.Codec
	now     func() time.Time
}

// NewMerged returns the service over local (this server's own trail, named self) and the
// other sources.
func NewMerged(self string, local *Service, others []Source, tokens *pagetoken.Codec) *Merged {
	sources := append([]Source{{Name: self, Trail: localTrail{local}}}, others...)
	return &Merged{sources: sources, tokens: tokens, now: time.Now}
}

// localTrail calls this server's own Service in process.
type localTrail struct{ s *Service }

func (l localTrail) ListAuditRecords(ctx context.Context, in *auditv1.ListAuditRecordsRequest, _ ...grpc.CallOption) (*auditv1.ListAuditRecordsResponse, error) {
	return l.s.ListAuditRecords(ctx, in)
}

func (l localTrail) GetAuditRecord(ctx context.Context, in *auditv1.GetAuditRecordRequest, _ ...grpc.CallOption) (*auditv1.GetAuditRecordResponse, error) {
	return l.s.GetAuditRecord(ctx, in)
}

// mergedPosition is where a merged list stands: the time the first page was asked at
// (every source is listed up to it, so its pages do not shift under later records) and,
// per source in order, the page token of the page being read and how many of its records
// were already returned.
type mergedPosition struct {
	Bound time.Time   `json:"b"`
	Src   []sourcePos `json:"s"`
}

type sourcePos struct {
	Token string `json:"t,omitempty"`
	Skip  int    `json:"k,omitempty"`
	Done  bool   `json:"d,omitempty"`
}

// GetAuditRecord finds the record in whichever trail holds it.
func (m *Merged) GetAuditRecord(ctx context.Context, req *auditv1.GetAuditRecordRequest) (*auditv1.GetAuditRecordResponse, error) {
	for _, s := range m.sources {
		resp, err := s.Trail.GetAuditRecord(ctx, req)
		if status.Code(err) == codes.NotFound {
			continue
		}
		if err != nil {
			return nil, sourceErr(s.Name, err)
		}
		return resp, nil
	}
	return nil, apperr.ToStatus(apperr.NotFound(req.GetName()), errorDomain)
}

// ListAuditRecords lists every source's records in one order: event time (latest first
// unless order_by is "event_time"), then name, then the order of the sources.
func (m *Merged) ListAuditRecords(ctx context.Context, req *auditv1.ListAuditRecordsRequest) (*auditv1.ListAuditRecordsResponse, error) {
	var v apperr.Violations
	if _, err := listSchema.Parse(req.GetFilter()); err != nil {
		v.Add("filter", "%v", err)
	}
	order, asc := ordered(&v, req.GetOrderBy())
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := "merged|" + pagetoken.Query(req.GetFilter(), order)
	pos := mergedPosition{Bound: m.now().UTC(), Src: make([]sourcePos, len(m.sources))}
	if tok := req.GetPageToken(); tok != "" {
		if m.tokens.Decode(query, tok, &pos) != nil || len(pos.Src) != len(m.sources) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, apperr.ToStatus(err, errorDomain)
	}
	bounded := `event_time <= "` + pos.Bound.Format(time.RFC3339Nano) + `"`
	if f := strings.TrimSpace(req.GetFilter()); f != "" {
		bounded = "(" + f + ") AND " + bounded
	}
	cursors := make([]*cursor, len(m.sources))
	for i, s := range m.sources {
		cursors[i] = &cursor{src: s, pos: pos.Src[i], req: &auditv1.ListAuditRecordsRequest{
			Filter: bounded, OrderBy: order, PageSize: int32(size)}}
	}
	resp := &auditv1.ListAuditRecordsResponse{}
	for len(resp.AuditRecords) < size {
		best := -1
		for i, c := range cursors {
			if err := c.fill(ctx); err != nil {
				return nil, err
			}
			if c.pos.Done {
				continue
			}
			if best < 0 || before(c.buf[0], cursors[best].buf[0], asc) {
				best = i
			}
		}
		if best < 0 {
			return resp, nil
		}
		resp.AuditRecords = append(resp.AuditRecords, cursors[best].take())
	}
	more := false
	for i, c := range cursors {
		if err := c.fill(ctx); err != nil {
			return nil, err
		}
		more = more || !c.pos.Done
		pos.Src[i] = c.pos
	}
	if more {
		tok, err := m.tokens.Encode(query, pos)
		if err != nil {
			return nil, apperr.ToStatus(apperr.Internal(err), errorDomain)
		}
		resp.NextPageToken = tok
	}
	return resp, nil
}

// cursor reads one source page by page.
type cursor struct {
	src    Source
	req    *auditv1.ListAuditRecordsRequest
	pos    sourcePos
	loaded bool
	buf    []*auditv1.AuditRecord
	next   string
}

// fill makes sure the cursor has a record to offer, or is done.
func (c *cursor) fill(ctx context.Context) error {
	for !c.pos.Done && len(c.buf) == 0 {
		if c.loaded {
			if c.next == "" {
				c.pos.Done = true
				return nil
			}
			c.pos = sourcePos{Token: c.next}
		}
		c.req.PageToken = c.pos.Token
		resp, err := c.src.Trail.ListAuditRecords(ctx, c.req)
		if err != nil {
			return sourceErr(c.src.Name, err)
		}
		c.loaded, c.next = true, resp.GetNextPageToken()
		if recs := resp.GetAuditRecords(); c.pos.Skip < len(recs) {
			c.buf = recs[c.pos.Skip:]
		}
	}
	return nil
}

func (c *cursor) take() *auditv1.AuditRecord {
	r := c.buf[0]
	c.buf = c.buf[1:]
	c.pos.Skip++
	return r
}

// before orders records as every source does (event time, then name), and equal ones by
// source, which the caller's loop gives by taking the first source on a tie.
func before(a, b *auditv1.AuditRecord, asc bool) bool {
	ta, tb := a.GetEventTime().AsTime(), b.GetEventTime().AsTime()
	if !ta.Equal(tb) {
		return ta.Before(tb) == asc
	}
	if a.GetName() != b.GetName() {
		return (a.GetName() < b.GetName()) == asc
	}
	return false
}

// sourceErr says which trail failed, keeping its code: one that cannot be reached makes
// the list UNAVAILABLE.
func sourceErr(name string, err error) error {
	st := status.Convert(err)
	return status.Errorf(st.Code(), "the audit trail of %s: %s", name, st.Message())
}
