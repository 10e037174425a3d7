package deployments_test

import (
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// TestGetDeployment: a deployment reads back as it was returned when proposed and when
// acknowledged, for either force; a malformed name is INVALID_ARGUMENT naming the field
// and an unknown one NOT_FOUND.
func TestGetDeployment(t *testing.T) {
	e := newEnv(t, false)
	proposed := e.propose(t, as(t, gwtest.PeshmergaOperator), "qarachogh", joint(now.Add(dayLong), now.Add(30*dayLong)))
	get := func() *gatewayv1.Deployment {
		t.Helper()
		resp, err := e.client.GetDeployment(as(t, gwtest.IraqiViewer), &gatewayv1.GetDeploymentRequest{Name: proposed.GetName()})
		if err != nil {
			t.Fatalf("GetDeployment(%s): %v", proposed.GetName(), err)
		}
		return resp.GetDeployment()
	}
	if got := get(); !proto.Equal(got, proposed) {
		t.Fatalf("GetDeployment = %v, want what ProposeDeployment returned: %v", got, proposed)
	}
	acked, err := e.client.AcknowledgeDeployment(as(t, gwtest.IraqiOperator), &gatewayv1.AcknowledgeDeploymentRequest{Name: proposed.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	got := get()
	if !proto.Equal(got, acked.GetDeployment()) || got.GetState() != gatewayv1.DeploymentState_DEPLOYMENT_STATE_ACTIVE {
		t.Fatalf("GetDeployment after the acknowledgement = %v, want the ACTIVE %v", got, acked.GetDeployment())
	}

	_, err = e.client.GetDeployment(as(t, gwtest.IraqiViewer), &gatewayv1.GetDeploymentRequest{Name: "zones/makhmour"})
	if status.Code(err) != codes.InvalidArgument || !namesField(err, "name") {
		t.Fatalf("GetDeployment of a zone's name: %v, want INVALID_ARGUMENT naming the field name", err)
	}
	_, err = e.client.GetDeployment(as(t, gwtest.IraqiViewer), &gatewayv1.GetDeploymentRequest{Name: "deployments/never-proposed"})
	if status.Code(err) != codes.NotFound {
		t.Fatalf("GetDeployment of an unknown deployment: %v, want NOT_FOUND", err)
	}
}

func namesField(err error, field string) bool {
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, fv := range br.GetFieldViolations() {
				if fv.GetField() == field {
					return true
				}
			}
		}
	}
	return false
}
