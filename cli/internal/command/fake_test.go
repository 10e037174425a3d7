package command

import (
	"context"
	"net"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// fakeGateway serves the APIs the CLI calls on a loopback port: incidents kept in memory
// with request-id idempotency like the real service, and canned coverage gaps and
// deployments.
type fakeGateway struct {
	incidentv1.UnimplementedIncidentServiceServer
	gatewayv1.UnimplementedCoverageServiceServer
	gatewayv1.UnimplementedDeploymentServiceServer
	gatewayv1.UnimplementedZoneServiceServer

	mu        sync.Mutex
	incidents []*incidentv1.Incident
	byRequest map[string]*incidentv1.Incident
	creates   int // CreateIncident calls
	tokens    map[string]bool
	gapsReq   *gatewayv1.ListCoverageGapsRequest
	proposed  *gatewayv1.ProposeDeploymentRequest
	acked     *gatewayv1.AcknowledgeDeploymentRequest
	gaps      []*gatewayv1.CoverageGap
	deploys   []*gatewayv1.Deployment
	zones     []*gatewayv1.Zone
}

// start serves f in plaintext and returns its address.
func (f *fakeGateway) start(t *testing.T) string {
	t.Helper()
	return f.serve(t)
}

// serve serves f with opts (e.g. TLS credentials) and returns its address.
func (f *fakeGateway) serve(t *testing.T, opts ...grpc.ServerOption) string {
	t.Helper()
	f.byRequest = map[string]*incidentv1.Incident{}
	f.tokens = map[string]bool{}
	srv := grpc.NewServer(append(opts, grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		f.mu.Lock()
		for _, a := range md.Get("authorization") {
			f.tokens[a] = true
		}
		f.mu.Unlock()
		return h(ctx, req)
	}))...)
	incidentv1.RegisterIncidentServiceServer(srv, f)
	gatewayv1.RegisterCoverageServiceServer(srv, f)
	gatewayv1.RegisterDeploymentServiceServer(srv, f)
	gatewayv1.RegisterZoneServiceServer(srv, f)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func (f *fakeGateway) CreateIncident(_ context.Context, req *incidentv1.CreateIncidentRequest) (*incidentv1.CreateIncidentResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	if prior, ok := f.byRequest[req.GetRequestId()]; ok {
		return &incidentv1.CreateIncidentResponse{Incident: prior}, nil
	}
	if req.GetIncident().GetDistrict() == "Atlantis" {
		st, _ := status.New(codes.InvalidArgument, "the request has invalid fields").WithDetails(
			&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: "tansiq.incident"},
			&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "incident.district", Description: "is not a district of Iraq"}}})
		return nil, st.Err()
	}
	in := proto.Clone(req.GetIncident()).(*incidentv1.Incident)
	in.Name = "incidents/" + strconv.Itoa(len(f.incidents)+1)
	in.CreateTime = timestamppb.Now()
	in.State = incidentv1.IncidentState_INCIDENT_STATE_REPORTED
	f.incidents = append(f.incidents, in)
	f.byRequest[req.GetRequestId()] = in
	return &incidentv1.CreateIncidentResponse{Incident: in}, nil
}

// ListIncidents pages newest first; the page token is the offset.
func (f *fakeGateway) ListIncidents(_ context.Context, req *incidentv1.ListIncidentsRequest) (*incidentv1.ListIncidentsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	all := append([]*incidentv1.Incident(nil), f.incidents...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].GetOccurTime().AsTime().After(all[j].GetOccurTime().AsTime()) })
	from, _ := strconv.Atoi(req.GetPageToken())
	size := int(req.GetPageSize())
	if size <= 0 {
		size = 50
	}
	to := min(from+size, len(all))
	resp := &incidentv1.ListIncidentsResponse{Incidents: all[from:to]}
	if to < len(all) {
		resp.NextPageToken = strconv.Itoa(to)
	}
	return resp, nil
}

func (f *fakeGateway) ListCoverageGaps(_ context.Context, req *gatewayv1.ListCoverageGapsRequest) (*gatewayv1.ListCoverageGapsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gapsReq = req
	start, end := req.GetStartTime(), req.GetEndTime()
	if end == nil {
		end = timestamppb.New(time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC))
	}
	if start == nil {
		start = timestamppb.New(end.AsTime().AddDate(0, 0, -30))
	}
	return &gatewayv1.ListCoverageGapsResponse{CoverageGaps: f.gaps, StartTime: start, EndTime: end}, nil
}

func (f *fakeGateway) ListDeployments(context.Context, *gatewayv1.ListDeploymentsRequest) (*gatewayv1.ListDeploymentsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &gatewayv1.ListDeploymentsResponse{Deployments: f.deploys}, nil
}

func (f *fakeGateway) ProposeDeployment(_ context.Context, req *gatewayv1.ProposeDeploymentRequest) (*gatewayv1.ProposeDeploymentResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.proposed = req
	d := proto.Clone(req.GetDeployment()).(*gatewayv1.Deployment)
	d.Name = "deployments/qarachogh-1"
	d.State = gatewayv1.DeploymentState_DEPLOYMENT_STATE_PROPOSED
	d.Forces = []string{"forces/iraqi-army", "forces/peshmerga"}
	d.Acknowledgements = []*gatewayv1.DeploymentAcknowledgement{{Force: "forces/peshmerga"}}
	return &gatewayv1.ProposeDeploymentResponse{Deployment: d}, nil
}

func (f *fakeGateway) AcknowledgeDeployment(_ context.Context, req *gatewayv1.AcknowledgeDeploymentRequest) (*gatewayv1.AcknowledgeDeploymentResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acked = req
	if req.GetName() != "deployments/qarachogh-1" {
		return nil, status.Error(codes.NotFound, "no such deployment")
	}
	return &gatewayv1.AcknowledgeDeploymentResponse{Deployment: &gatewayv1.Deployment{
		Name: req.GetName(), State: gatewayv1.DeploymentState_DEPLOYMENT_STATE_ACTIVE, Zone: "zones/makhmour",
		LeadForce: "forces/peshmerga", Units: []string{"forces/peshmerga/units/qarachogh-brigade", "forces/iraqi-army/units/14th-division"},
		StartTime:        timestamppb.New(time.Date(2021, 11, 25, 0, 0, 0, 0, time.UTC)),
		Forces:           []string{"forces/iraqi-army", "forces/peshmerga"},
		Acknowledgements: []*gatewayv1.DeploymentAcknowledgement{{Force: "forces/peshmerga"}, {Force: "forces/iraqi-army"}},
	}}, nil
}

// ListZones serves the zones one per page, so that callers must follow the pages.
func (f *fakeGateway) ListZones(_ context.Context, req *gatewayv1.ListZonesRequest) (*gatewayv1.ListZonesResponse, error) {
	i := 0
	if req.GetPageToken() != "" {
		i, _ = strconv.Atoi(req.GetPageToken())
	}
	resp := &gatewayv1.ListZonesResponse{}
	if i < len(f.zones) {
		resp.Zones = f.zones[i : i+1]
	}
	if i+1 < len(f.zones) {
		resp.NextPageToken = strconv.Itoa(i + 1)
	}
	return resp, nil
}
