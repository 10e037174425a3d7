package handler

import (
	"context"
	"errors"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/filter"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/place"
	"github.com/tansiq/tansiq/platform/reqcheck"
	"github.com/tansiq/tansiq/platform/reqhash"
	"github.com/tansiq/tansiq/platform/store"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
	forcesstore "github.com/tansiq/tansiq/services/forces/internal/store"
)

// ReportUnitPosition moves the unit if the report is its latest (a compare-and-swap of the
// unit), then adds the report to the unit's history. A retry with the same request_id
// adds nothing and answers as the first call did; one after a crash between the two
// writes completes the history.
func (h *Handler) ReportUnitPosition(ctx context.Context, req *forcesv1.ReportUnitPositionRequest) (*forcesv1.ReportUnitPositionResponse, error) {
	now := h.now()
	var v apperr.Violations
	unitName.check(&v, "name", req.GetName(), false)
	validatePosition(&v, "position", req.GetPosition(), now)
	reqcheck.RequestID(&v, req.GetRequestId())
	bindingName.check(&v, "tak_binding", req.GetTakBinding(), true)
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	p := positionFromProto(req.GetPosition())
	p.ID = store.NewID()
	p.ReceiveTime = reqcheck.Stored(now)
	p.Reporter = reporter(ctx)
	p.RequestID = req.GetRequestId()
	p.Unit = req.GetName()
	applied := false
	// Only the unit's own force reports where it is: its people, or the CoT bridge through
	// a TAK binding the force made for the unit, which then speaks for the force.
	authorize := store.OwnerMayChange[domain.Unit](ctx)
	if req.GetTakBinding() != "" {
		if _, err := h.bindingFor(ctx, req.GetTakBinding(), req.GetName()); err != nil {
			return nil, toStatus(err)
		}
		p.Reporter = req.GetTakBinding()
		authorize = nil
	}
	d, err := h.units.UpdateAuthorized(ctx, store.Change{
		Name: req.GetName(), RequestID: req.GetRequestId(), RequestHash: reqhash.Of(req), Verb: "position_reported",
	}, authorize, func(d *forcesstore.UnitDoc) error {
		applied = true
		d.Body.Move(&p)
		return nil
	})
	if err != nil {
		return nil, toStatus(err)
	}
	if last := d.Body.LastPosition; !applied && last != nil && last.RequestID == p.RequestID {
		// A retry of the report that moved the unit: its history record is that report
		// (the first call's, if it was written; the retry then answers from it).
		p = *last
		p.Unit = d.Name
	}
	r, err := h.positions.Add(ctx, &forcesstore.PositionDoc{Name: forcesstore.PositionName(d.Name, p.ID), Owner: d.Owner,
		RequestID: p.RequestID, RequestHash: reqhash.Of(req), Body: p})
	if err != nil {
		return nil, toStatus(err)
	}
	return &forcesv1.ReportUnitPositionResponse{Unit: unitToProto(d), Moved: r.Body.Moved}, nil
}

// positionSchema is the filter ListUnitPositions accepts, as its request documents.
var positionSchema = filter.Schema{
	"report_time": {Type: filter.Time, Ops: filter.Ordered},
}

// positionCursor is where a page of a history ends.
type positionCursor struct {
	ReportTime time.Time `json:"t"`
	ID         string    `json:"i"`
}

// ListUnitPositions lists a unit's kept reports, latest report_time first, a page at a time.
func (h *Handler) ListUnitPositions(ctx context.Context, req *forcesv1.ListUnitPositionsRequest) (*forcesv1.ListUnitPositionsResponse, error) {
	var v apperr.Violations
	unitName.check(&v, "parent", req.GetParent(), false)
	f, err := positionSchema.Parse(req.GetFilter())
	if err != nil {
		v.Add("filter", "%v", err)
	}
	size := reqcheck.PageSize(&v, req.GetPageSize())
	query := listQuery(req.GetParent(), req.GetFilter())
	var after *positionCursor
	if req.GetPageToken() != "" {
		after = &positionCursor{}
		if err := h.tokens.Decode(query, req.GetPageToken(), after); errors.Is(err, pagetoken.ErrInvalid) {
			v.Add("page_token", "is not a token from this query's previous page")
		}
	}
	if err := v.Err(); err != nil {
		return nil, toStatus(err)
	}
	d, err := getRecord(ctx, unitName, req.GetParent(), h.units.Collection)
	if err != nil {
		return nil, err
	}
	if !positionsVisible(ctx, d) {
		return nil, toStatus(errWithheld(d.Name))
	}
	var from *domain.Position
	if after != nil {
		from = &domain.Position{ReportTime: after.ReportTime, ID: after.ID}
	}
	docs, err := h.positions.List(ctx, d.Name, from, size+1, func(p *domain.Position) bool {
		return f.Match(func(string) any { return p.ReportTime }) // report_time, the one field
	})
	if err != nil {
		return nil, toStatus(err)
	}
	resp := &forcesv1.ListUnitPositionsResponse{}
	if len(docs) > size {
		docs = docs[:size]
		last := docs[size-1].Body
		if resp.NextPageToken, err = h.tokens.Encode(query, positionCursor{ReportTime: last.ReportTime, ID: last.ID}); err != nil {
			return nil, toStatus(err)
		}
	}
	for _, p := range docs {
		resp.Positions = append(resp.Positions, positionToProto(p.Body))
	}
	return resp, nil
}

// positionFromProto converts the client-writable fields of a report.
func positionFromProto(in *forcesv1.UnitPosition) domain.Position {
	return domain.Position{Place: place.PlaceFromProto(in.GetPlace()), ReportTime: in.GetReportTime().AsTime().UTC(), Note: in.GetNote()}
}

func positionToProto(p domain.Position) *forcesv1.UnitPosition {
	return &forcesv1.UnitPosition{
		Place: p.Place.ToProto(), ReportTime: timestamppb.New(p.ReportTime), ReceiveTime: timestamppb.New(p.ReceiveTime),
		Reporter: p.Reporter, Note: p.Note,
	}
}
