package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/services/forces/internal/domain"
)

// Positions is the units' report histories: one record per report, named under its unit,
// so that a report writes a small record and a unit stays small in lists and in the
// store's log however often it reports. A unit's last position is kept in the unit.
type Positions struct {
	*store.Collection[domain.Position]
}

// PositionDoc is a stored report.
type PositionDoc = store.Doc[domain.Position]

// latestFirst is the order of the histories: by unit, then latest report time first.
const latestFirst = "latest_first"

// NewPositions returns the collection with its order declared; Load it before serving.
func NewPositions(db *mongo.Database) *Positions {
	c := store.NewCollection[domain.Position](db, "unit_positions")
	c.OrderBy(latestFirst, func(a, b *PositionDoc) bool {
		if a.Body.Unit != b.Body.Unit {
			return a.Body.Unit < b.Body.Unit
		}
		return domain.Before(a.Body, b.Body)
	})
	return &Positions{c}
}

// PositionName is the name of the report id of unit.
func PositionName(unit, id string) string { return unit + "/positions/" + id }

// first sorts before every report of a unit: its report time is later than any.
var first = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// List returns up to limit (0: all) reports of unit for which match holds (nil: all),
// latest report time first, after the report after (nil: from the latest): a walk of the
// unit's reports from there.
func (s *Positions) List(ctx context.Context, unit string, after *domain.Position, limit int, match func(*domain.Position) bool) ([]*PositionDoc, error) {
	start := domain.Position{Unit: unit, ReportTime: first}
	if after != nil {
		start = domain.Position{Unit: unit, ReportTime: after.ReportTime, ID: after.ID}
	}
	sel := store.Selector[domain.Position]{Order: latestFirst, Limit: limit,
		After: []*PositionDoc{{Body: start}},
		Stop:  func(d *PositionDoc) bool { return d.Body.Unit != unit }}
	if match != nil {
		sel.Match = func(d *PositionDoc) bool { return match(&d.Body) }
	}
	return s.Collection.List(ctx, sel)
}

// Add stores the report d (a retry of its request id returns the first one's record),
// then drops the unit's oldest reports beyond domain.MaxPositions.
func (s *Positions) Add(ctx context.Context, d *PositionDoc) (*PositionDoc, error) {
	added, err := s.Create(ctx, d)
	if err != nil {
		return nil, err
	}
	kept, err := s.List(ctx, added.Body.Unit, nil, 0, nil)
	if err != nil || len(kept) <= domain.MaxPositions {
		return added, err
	}
	return added, s.drop(ctx, kept[domain.MaxPositions:])
}

// RemoveOf drops every report of unit, once the unit is deleted.
func (s *Positions) RemoveOf(ctx context.Context, unit string) error {
	docs, err := s.List(ctx, unit, nil, 0, nil)
	if err != nil {
		return err
	}
	return s.drop(ctx, docs)
}

// drop deletes docs; one another replica deleted first is gone all the same.
func (s *Positions) drop(ctx context.Context, docs []*PositionDoc) error {
	for _, d := range docs {
		if err := s.Delete(ctx, d.Name, ""); err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
			return err
		}
	}
	return nil
}
