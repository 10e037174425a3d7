package access

import (
	"context"
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
)

func TestChange(t *testing.T) {
	pesh := auth.Identity{Subject: "forces/peshmerga/people/op", Force: "forces/peshmerga", Role: auth.RoleOperator}
	viewer := auth.Identity{Subject: "forces/peshmerga/people/v", Force: "forces/peshmerga", Role: auth.RoleViewer}
	tests := []struct {
		name string
		ctx  context.Context
		want apperr.Kind
		ok   bool
	}{
		{"owner operator", auth.WithIdentity(context.Background(), pesh), 0, true},
		{"other force", auth.WithIdentity(context.Background(), auth.Identity{Subject: "forces/iraqi-army/people/op", Force: "forces/iraqi-army", Role: auth.RoleOperator}), apperr.KindPermissionDenied, false},
		{"viewer", auth.WithIdentity(context.Background(), viewer), apperr.KindPermissionDenied, false},
		{"no identity", context.Background(), apperr.KindNotFound, false},
		{"disabled", Disable(context.Background()), 0, true},
	}
	for _, tt := range tests {
		err := Change(tt.ctx, "incidents/x", "forces/peshmerga")
		if tt.ok != (err == nil) || (!tt.ok && !apperr.IsKind(err, tt.want)) {
			t.Errorf("%s: Change = %v, want ok=%v kind=%v", tt.name, err, tt.ok, tt.want)
		}
	}
}

func TestActingForceComesFromToken(t *testing.T) {
	ctx := auth.WithIdentity(context.Background(), auth.Identity{Subject: "forces/iraqi-army/people/op", Force: "forces/iraqi-army", Role: auth.RoleOperator})
	if got := ActingForce(ctx, "forces/peshmerga"); got != "forces/iraqi-army" {
		t.Fatalf("ActingForce = %q, want the token's force", got)
	}
	if got := ActingForce(Disable(context.Background()), "forces/peshmerga"); got != "forces/peshmerga" {
		t.Fatalf("ActingForce without auth = %q, want the fallback", got)
	}
}
