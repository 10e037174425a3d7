package authtest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/store/storetest"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

func TestTokens(t *testing.T) {
	k := NewKeys(t)
	id := Operator(Peshmerga)
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"good", k.Token(t, id), nil},
		{"expired", k.ExpiredToken(t, id), auth.ErrTokenExpired},
		{"signed by a stranger", k.StrangerToken(t, id), auth.ErrTokenInvalid},
	}
	for _, tt := range tests {
		got, err := k.Verifier.Verify(tt.token)
		if !errors.Is(err, tt.want) || (err == nil && got != id) {
			t.Errorf("%s: Verify = %+v, %v; want %+v, %v", tt.name, got, err, id, tt.want)
		}
	}
}

// records is a fake IncidentService whose UpdateIncident changes an in-memory record's
// etag for whoever access.Change lets through.
type records struct {
	incidentv1.UnimplementedIncidentServiceServer
	mu    sync.Mutex
	owner map[string]string
	etag  map[string]int
}

func (r *records) UpdateIncident(ctx context.Context, req *incidentv1.UpdateIncidentRequest) (*incidentv1.UpdateIncidentResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	name := req.GetIncident().GetName()
	if err := access.Change(ctx, name, r.owner[name]); err != nil {
		return nil, apperr.ToStatus(err, "tansiq.test")
	}
	r.etag[name]++
	return &incidentv1.UpdateIncidentResponse{Incident: &incidentv1.Incident{Name: name, Etag: strconv.Itoa(r.etag[name])}}, nil
}

func (r *records) GetIncident(ctx context.Context, req *incidentv1.GetIncidentRequest) (*incidentv1.GetIncidentResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return &incidentv1.GetIncidentResponse{Incident: &incidentv1.Incident{Name: req.GetName(), Etag: strconv.Itoa(r.etag[req.GetName()])}}, nil
}

// TestCheckMutation drives a handler that authorizes as the services must: every attempt
// gets its answer and every attempt is in the trail, written to the given database.
func TestCheckMutation(t *testing.T) {
	db := storetest.DB(t)
	fake := &records{owner: map[string]string{"incidents/a": IraqiArmy}, etag: map[string]int{}}
	s := Serve(t, "fake", db, func(g *grpc.Server) { incidentv1.RegisterIncidentServiceServer(g, fake) })
	client := incidentv1.NewIncidentServiceClient(s.Conn)
	s.CheckMutation(t, Mutation{
		Method: "/tansiq.incident.v1.IncidentService/UpdateIncident", Owner: IraqiArmy,
		Call: func(ctx context.Context) error {
			_, err := client.UpdateIncident(ctx, &incidentv1.UpdateIncidentRequest{Incident: &incidentv1.Incident{Name: "incidents/a"}})
			return err
		},
		State: func(ctx context.Context) (string, error) {
			r, err := client.GetIncident(ctx, &incidentv1.GetIncidentRequest{Name: "incidents/a"})
			return r.GetIncident().GetEtag(), err
		},
	})
	// Each record is committed (a log entry of the audit_records collection) before its
	// call is answered.
	n, err := db.Collection("audit_records_log").CountDocuments(context.Background(), bson.D{})
	if err != nil || n != int64(len(s.Attempts(t, IraqiArmy))) {
		t.Errorf("audit log holds %d records (%v), want one per attempt", n, err)
	}
	// Reads are open to any authenticated caller and closed to the rest.
	if _, err := client.GetIncident(context.Background(), &incidentv1.GetIncidentRequest{Name: "incidents/a"}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("GetIncident without a token: %v, want Unauthenticated", err)
	}
}
