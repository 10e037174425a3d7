package dial_test

import (
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/tansiq/tansiq/platform/dial"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// services are every Tansiq API service.
var services = []grpc.ServiceDesc{
	incidentv1.IncidentService_ServiceDesc,
	forcesv1.ForcesService_ServiceDesc,
	forcesv1.AreaService_ServiceDesc,
	meetingv1.MeetingService_ServiceDesc,
	gatewayv1.ZoneService_ServiceDesc,
	gatewayv1.DeploymentService_ServiceDesc,
	gatewayv1.CoverageService_ServiceDesc,
	auditv1.AuditService_ServiceDesc,
}

// sideEffects are the methods whose every call may add something (a create whose
// request_id is optional): a retry could apply them twice. Written out here, apart from
// the protos, so that declaring one of them safe to retry fails this test.
var sideEffects = []string{
	"/tansiq.forces.v1.AreaService/CreateArea",
	"/tansiq.forces.v1.ForcesService/CreateForce",
	"/tansiq.forces.v1.ForcesService/CreatePerson",
	"/tansiq.forces.v1.ForcesService/CreateTakBinding",
	"/tansiq.forces.v1.ForcesService/CreateUnit",
	"/tansiq.forces.v1.ForcesService/ReportUnitPosition",
	"/tansiq.gateway.v1.DeploymentService/ProposeDeployment",
	"/tansiq.gateway.v1.ZoneService/CreateZone",
	"/tansiq.incident.v1.IncidentService/CreateIncident",
	"/tansiq.meeting.v1.MeetingService/AddActionItemUpdate",
	"/tansiq.meeting.v1.MeetingService/CreateActionItem",
	"/tansiq.meeting.v1.MeetingService/CreateDecision",
	"/tansiq.meeting.v1.MeetingService/CreateMeeting",
}

// TestEveryMethodDeclaresItsIdempotency: every RPC of the API states its
// idempotency_level, so that no method is left out of (or into) the retry policies by
// omission.
func TestEveryMethodDeclaresItsIdempotency(t *testing.T) {
	for _, s := range services {
		for _, m := range methods(t, s) {
			if m.Options().(*descriptorpb.MethodOptions).IdempotencyLevel == nil {
				t.Errorf("%s: no option idempotency_level", m.FullName())
			}
		}
	}
}

// TestSideEffectsAreNotRetried calls every method of the API over a connection whose
// retry policy is dial.Retryable of every service, against a server that answers
// UNAVAILABLE: the methods with side effects must reach it once, every other method more
// than once.
func TestSideEffectsAreNotRetried(t *testing.T) {
	var mu sync.Mutex
	attempts := map[string]int{}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
		m, _ := grpc.MethodFromServerStream(stream)
		mu.Lock()
		attempts[m]++
		mu.Unlock()
		return status.Error(codes.Unavailable, "down")
	}))
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	addr := lis.Addr().String()
	conn, err := dial.New(addr, dial.Config{Retryable: dial.Retryable(services...)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var all []string
	for _, s := range services {
		for _, m := range methods(t, s) {
			name := "/" + s.ServiceName + "/" + string(m.Name())
			all = append(all, name)
			wg.Go(func() { call(ctx, conn, name, m.IsStreamingServer()) })
		}
	}
	wg.Wait()

	var once []string
	for _, name := range all {
		switch n := attempts[name]; {
		case n == 0:
			t.Errorf("%s never reached the server", name)
		case n == 1:
			once = append(once, name)
		}
	}
	slices.Sort(once)
	if !slices.Equal(once, sideEffects) {
		t.Errorf("methods tried only once:\n  %s\nwant the methods with side effects:\n  %s",
			strings.Join(once, "\n  "), strings.Join(sideEffects, "\n  "))
	}
}

func methods(t *testing.T, s grpc.ServiceDesc) []protoreflect.MethodDescriptor {
	t.Helper()
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(s.ServiceName))
	if err != nil {
		t.Fatal(err)
	}
	ms := d.(protoreflect.ServiceDescriptor).Methods()
	out := make([]protoreflect.MethodDescriptor, ms.Len())
	for i := range out {
		out[i] = ms.Get(i)
	}
	return out
}

// call makes one call of method, whose answer (an error) it ignores.
func call(ctx context.Context, conn *grpc.ClientConn, method string, streaming bool) {
	if !streaming {
		_ = conn.Invoke(ctx, method, &emptypb.Empty{}, &emptypb.Empty{})
		return
	}
	st, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, method)
	if err != nil {
		return
	}
	if st.SendMsg(&emptypb.Empty{}) == nil && st.CloseSend() == nil {
		_ = st.RecvMsg(&emptypb.Empty{})
	}
}
