package handler_test

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func TestForces(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	got, err := c.GetForce(ctx, &forcesv1.GetForceRequest{Name: pm})
	if err != nil || got.GetForce().GetDisplayName().GetSorani() != "پێشمەرگە" || got.GetForce().GetAuthority().GetEnglish() != "Ministry of Peshmerga Affairs" {
		t.Fatalf("GetForce(%s) = %v, %v", pm, got.GetForce(), err)
	}
	req := &forcesv1.CreateForceRequest{ForceId: "federal-police", RequestId: "force-1", Force: &forcesv1.Force{
		DisplayName: &typev1.LocalizedName{Arabic: "الشرطة الاتحادية", English: "Federal Police"}}}
	created, err := c.CreateForce(ctx, req)
	if err != nil || created.GetForce().GetName() != "forces/federal-police" {
		t.Fatalf("CreateForce = %v, %v", created.GetForce(), err)
	}
	if again, err := c.CreateForce(ctx, req); err != nil || !again.GetForce().GetCreateTime().AsTime().Equal(created.GetForce().GetCreateTime().AsTime()) {
		t.Fatalf("retry = %v, %v; want the first result", again.GetForce(), err)
	}
	var names []string
	token := ""
	for {
		resp, err := c.ListForces(ctx, &forcesv1.ListForcesRequest{PageSize: 1, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range resp.GetForces() {
			names = append(names, f.GetName())
		}
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	if want := "[forces/federal-police forces/iraqi-army forces/peshmerga]"; fmt.Sprint(names) != want {
		t.Fatalf("ListForces in pages of 1 = %v, want %s", names, want)
	}

	tests := []struct {
		name string
		req  *forcesv1.CreateForceRequest
		want failure
	}{
		{"no name, no id", &forcesv1.CreateForceRequest{Force: &forcesv1.Force{}}, failure{codes.InvalidArgument, "", []string{"force.display_name", "force_id"}}},
		{"the wildcard", &forcesv1.CreateForceRequest{ForceId: "-", Force: &forcesv1.Force{DisplayName: en("All")}}, failure{codes.InvalidArgument, "", []string{"force_id"}}},
		{"taken", &forcesv1.CreateForceRequest{ForceId: "peshmerga", Force: &forcesv1.Force{DisplayName: en("Peshmerga")}}, failure{code: codes.AlreadyExists}},
	}
	for _, tt := range tests {
		_, err := c.CreateForce(ctx, tt.req)
		wantFailure(t, tt.name, err, tt.want)
	}
	_, err = c.GetForce(ctx, &forcesv1.GetForceRequest{Name: "forces/no-such-force"})
	wantFailure(t, "missing force", err, failure{code: codes.NotFound})
	_, err = c.GetForce(ctx, &forcesv1.GetForceRequest{Name: "peshmerga"})
	wantFailure(t, "malformed name", err, failure{codes.InvalidArgument, "", []string{"name"}})
}
