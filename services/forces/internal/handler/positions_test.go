package handler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
)

var dawn = time.Date(2021, 12, 4, 5, 0, 0, 0, time.UTC)

func at(hours int, note string) *forcesv1.UnitPosition {
	return &forcesv1.UnitPosition{Place: point(35.80+float64(hours)/100, 43.60), Note: note,
		ReportTime: timestamppb.New(dawn.Add(time.Duration(hours) * time.Hour))}
}

func TestReportUnitPositionOutOfOrder(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	reports := []struct {
		requestID string
		pos       *forcesv1.UnitPosition
		wantMoved bool
		wantLast  string
	}{
		{"r2", at(2, "two"), true, "two"},
		{"r1", at(1, "one, delayed on a poor link"), false, "two"},
		{"r3", at(3, "three"), true, "three"},
		{"r0", at(0, "zero, very late"), false, "three"},
	}
	for _, r := range reports {
		resp, err := c.ReportUnitPosition(ctx, &forcesv1.ReportUnitPositionRequest{Name: brigade, Position: r.pos, RequestId: r.requestID})
		if err != nil {
			t.Fatalf("%s: %v", r.requestID, err)
		}
		last := resp.GetUnit().GetLastPosition()
		if resp.GetMoved() != r.wantMoved || last.GetNote() != r.wantLast {
			t.Fatalf("%s: moved %v, last %q; want %v, %q", r.requestID, resp.GetMoved(), last.GetNote(), r.wantMoved, r.wantLast)
		}
		if last.GetReporter() != callerOf(ia).Subject || last.GetReceiveTime() == nil {
			t.Fatalf("%s: reporter %q, receive time %v; want the caller and a time", r.requestID, last.GetReporter(), last.GetReceiveTime())
		}
	}
	// Retries answer as the first call did and add nothing.
	for _, r := range reports[:2] {
		resp, err := c.ReportUnitPosition(ctx, &forcesv1.ReportUnitPositionRequest{Name: brigade, Position: r.pos, RequestId: r.requestID})
		if err != nil || resp.GetMoved() != r.wantMoved || resp.GetUnit().GetLastPosition().GetNote() != "three" {
			t.Fatalf("retry %s: moved %v (err %v), want %v and the unit unchanged", r.requestID, resp.GetMoved(), err, r.wantMoved)
		}
	}
	_, err := c.ReportUnitPosition(ctx, &forcesv1.ReportUnitPositionRequest{Name: brigade, Position: at(5, "other"), RequestId: "r1"})
	wantFailure(t, "same request_id, other report", err, failure{codes.InvalidArgument, "REQUEST_ID_REUSED", []string{"request_id"}})

	list := func(filter string, size int32) []string {
		t.Helper()
		var notes []string
		token := ""
		for {
			resp, err := c.ListUnitPositions(ctx, &forcesv1.ListUnitPositionsRequest{Parent: brigade, Filter: filter, PageSize: size, PageToken: token})
			if err != nil {
				t.Fatalf("list %q: %v", filter, err)
			}
			for _, p := range resp.GetPositions() {
				notes = append(notes, p.GetNote())
			}
			if token = resp.GetNextPageToken(); token == "" {
				return notes
			}
		}
	}
	all := "[three two one, delayed on a poor link zero, very late]"
	tests := []struct {
		filter string
		size   int32
		want   string
	}{
		{"", 50, all},
		{"", 1, all},
		{"", 3, all},
		{`report_time >= "2021-12-04T06:00:00Z"`, 1, "[three two one, delayed on a poor link]"},
		{`report_time > "2021-12-04T06:00:00Z" AND report_time < "2021-12-04T08:00:00Z"`, 50, "[two]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(list(tt.filter, tt.size)); got != tt.want {
			t.Errorf("history %q in pages of %d = %s, want %s", tt.filter, tt.size, got, tt.want)
		}
	}
}

func TestReportUnitPositionValidation(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	future := at(0, "")
	future.ReportTime = timestamppb.New(time.Now().Add(time.Hour))
	tests := []struct {
		name string
		req  *forcesv1.ReportUnitPositionRequest
		want failure
	}{
		{"nothing", &forcesv1.ReportUnitPositionRequest{}, failure{codes.InvalidArgument, "", []string{"name", "position"}}},
		{"no place or time", &forcesv1.ReportUnitPositionRequest{Name: brigade, Position: &forcesv1.UnitPosition{}},
			failure{codes.InvalidArgument, "", []string{"position.place", "position.report_time"}}},
		{"off the map", &forcesv1.ReportUnitPositionRequest{Name: brigade, Position: &forcesv1.UnitPosition{Place: point(0, 200), ReportTime: timestamppb.New(dawn)}},
			failure{codes.InvalidArgument, "", []string{"position.place.point.longitude"}}},
		{"in the future", &forcesv1.ReportUnitPositionRequest{Name: brigade, Position: future},
			failure{codes.InvalidArgument, "", []string{"position.report_time"}}},
		{"a person is no unit", &forcesv1.ReportUnitPositionRequest{Name: sirwan, Position: at(0, "")},
			failure{codes.InvalidArgument, "", []string{"name"}}},
		{"missing unit", &forcesv1.ReportUnitPositionRequest{Name: ia + "/units/no-such-unit", Position: at(0, "")}, failure{code: codes.NotFound}},
	}
	for _, tt := range tests {
		_, err := c.ReportUnitPosition(ctx, tt.req)
		wantFailure(t, tt.name, err, tt.want)
	}
	_, err := c.ListUnitPositions(ctx, &forcesv1.ListUnitPositionsRequest{Parent: brigade, Filter: "report_time >= yesterday"})
	wantFailure(t, "bad time in filter", err, failure{codes.InvalidArgument, "", []string{"filter"}})
}
