package security

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/e2e/harness"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func incidents(t *testing.T, token string) incidentv1.IncidentServiceClient {
	t.Helper()
	conn := env.Conn("gateway", token)
	t.Cleanup(func() { _ = conn.Close() })
	return incidentv1.NewIncidentServiceClient(conn)
}

func report(force, title string) *incidentv1.Incident {
	return &incidentv1.Incident{
		Kind: incidentv1.IncidentKind_INCIDENT_KIND_IED, Title: title,
		OccurTime: timestamppb.New(time.Date(2021, 12, 5, 6, 30, 0, 0, time.UTC)),
		Place: &typev1.Place{Point: &typev1.LatLng{Latitude: 35.80, Longitude: 43.60},
			Precision: typev1.GeoPrecision_GEO_PRECISION_NEAR},
		District: "Makhmour", Governorates: []string{"Erbil", "Nineveh"}, ReportingForce: force,
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestRequestIDsAreTheCallersOwn repeats issue 13, row 7 through the gateway: the army
// takes a request_id first, and the Peshmerga's create with the same id must still work.
func TestRequestIDsAreTheCallersOwn(t *testing.T) {
	ctx := testCtx(t)
	id := "sec-" + store.NewID()
	army := incidents(t, env.Token("sec-operator", harness.IraqiArmy, auth.RoleOperator))
	pesh := incidents(t, env.Token("sec-operator", harness.Peshmerga, auth.RoleOperator))
	first, err := army.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{RequestId: id, Incident: report(harness.IraqiArmy, "Mortar fire near Kifri")})
	if err != nil {
		t.Fatal(err)
	}
	second, err := pesh.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{RequestId: id, Incident: report(harness.Peshmerga, "IED on the Makhmour road")})
	if err != nil {
		t.Fatalf("the other force's create with the same request_id: %v", err)
	}
	if first.GetIncident().GetName() == second.GetIncident().GetName() {
		t.Fatal("the other force got the first force's incident back")
	}
	again, err := army.CreateIncident(ctx, &incidentv1.CreateIncidentRequest{RequestId: id, Incident: report(harness.IraqiArmy, "Mortar fire near Kifri")})
	if err != nil || again.GetIncident().GetName() != first.GetIncident().GetName() {
		t.Fatalf("the first force's retry: %v, %s; want its first incident %s", err, again.GetIncident().GetName(), first.GetIncident().GetName())
	}
}

// TestControlCharactersAreRefused repeats issue 13, row 10 through the gateway.
func TestControlCharactersAreRefused(t *testing.T) {
	pesh := incidents(t, env.Token("sec-operator", harness.Peshmerga, auth.RoleOperator))
	for _, title := range []string{"IED\x00", "IED\x07", "IED \u202egnp.exe"} {
		_, err := pesh.CreateIncident(testCtx(t), &incidentv1.CreateIncidentRequest{Incident: report(harness.Peshmerga, title)})
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("title %q: got %v, want InvalidArgument", title, err)
		}
	}
}

// TestContradictoryTokensAreRefused repeats issue 13, row 9 against the real processes:
// tokens signed with the system's own key whose claims contradict each other.
func TestContradictoryTokensAreRefused(t *testing.T) {
	key, err := auth.LoadPrivateKey(filepath.Join(env.Dir, "keys", auth.DevPrivateKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	mint := func(sub, force string, exp time.Time) string {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
			"iss": auth.DefaultIssuer, "aud": []string{auth.DefaultAudience}, "sub": sub,
			"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(), "force": force, "role": "operator",
		}).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tests := map[string]string{
		"Peshmerga subject, army force": mint("forces/peshmerga/people/x", harness.IraqiArmy, now.Add(time.Hour)),
		"unknown force":                 mint("forces/isis/people/x", "forces/isis", now.Add(time.Hour)),
		"expiry in year 9999":           mint("forces/peshmerga/people/x", harness.Peshmerga, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := incidents(t, tok).ListIncidents(testCtx(t), &incidentv1.ListIncidentsRequest{})
			if status.Code(err) != codes.Unauthenticated {
				t.Errorf("got %v, want Unauthenticated", err)
			}
		})
	}
}
