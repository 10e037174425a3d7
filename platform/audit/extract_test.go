package audit

import (
	"reflect"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	// The gateway's services, whose declared idempotency TestMutating reads.
	_ "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// TestMutating: what is audited follows the protos' idempotency_level, not method names.
func TestMutating(t *testing.T) {
	tests := []struct {
		method string
		want   bool
	}{
		{"/tansiq.incident.v1.IncidentService/CreateIncident", true},
		{"/tansiq.incident.v1.IncidentService/UpdateIncident", true},
		{"/tansiq.incident.v1.IncidentService/ConfirmIncident", true},
		{"/tansiq.incident.v1.IncidentService/CloseIncident", true},
		{"/tansiq.forces.v1.ForcesService/DeleteUnit", true},
		{"/tansiq.forces.v1.ForcesService/ReportUnitPosition", true},
		{"/tansiq.meeting.v1.MeetingService/AcknowledgeDecision", true},
		{"/tansiq.incident.v1.IncidentService/GetIncident", false},
		{"/tansiq.incident.v1.IncidentService/ListIncidents", false},
		{"/tansiq.incident.v1.IncidentService/WatchIncidents", false},
		{"/tansiq.forces.v1.ForcesService/BatchGetUnits", false},
		{"/tansiq.gateway.v1.DeploymentService/CheckDeconfliction", false},
		{"/tansiq.gateway.v1.CoverageService/ExportGeoJson", false},
		{"/tansiq.gateway.v1.CoverageService/GetOperationalPicture", false},
		{"/tansiq.x.v1.Unknown/GetThing", true}, // not in the descriptors: audited
		{"/tansiq.gateway.v1.ZoneService/SearchZones", false},
		{"/grpc.health.v1.Health/Check", false},
		{"/grpc.health.v1.Health/Watch", false},
		{"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", false},
	}
	for _, tt := range tests {
		if got := Mutating(tt.method); got != tt.want {
			t.Errorf("Mutating(%s) = %v, want %v", tt.method, got, tt.want)
		}
	}
}

// TestAuditServiceChangesNothing: the trail has no API that writes: every AuditService
// method is a read, and so is not itself audited.
func TestAuditServiceChangesNothing(t *testing.T) {
	for _, m := range auditv1.AuditService_ServiceDesc.Methods {
		full := "/" + auditv1.AuditService_ServiceDesc.ServiceName + "/" + m.MethodName
		if Mutating(full) {
			t.Errorf("%s is a mutating method of the audit service", full)
		}
	}
	if n := len(auditv1.AuditService_ServiceDesc.Streams); n != 0 {
		t.Errorf("AuditService has %d streams, want none", n)
	}
}

// extracted is what a record says about a call's request and response.
type extracted struct {
	Resource, RequestID, Etag string
	Changed                   []string
}

func extract(req, resp proto.Message) extracted {
	var r Record
	fromRequest(&r, req)
	fromResponse(&r, resp)
	return extracted{r.Resource, r.RequestID, r.ResourceEtag, r.ChangedFields}
}

func (e extracted) equal(o extracted) bool {
	return e.Resource == o.Resource && e.RequestID == o.RequestID && e.Etag == o.Etag && slices.Equal(e.Changed, o.Changed)
}

// calls are requests and responses as clients and handlers send them.
var calls = []struct {
	name      string
	method    string
	req, resp proto.Message
	want      extracted
}{
	{"update names the resource it carries and the masked fields",
		"/tansiq.incident.v1.IncidentService/UpdateIncident",
		&incidentv1.UpdateIncidentRequest{Incident: &incidentv1.Incident{Name: "incidents/khidr-jija", Title: "x"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"title", "notes"}}, RequestId: "r-1"},
		&incidentv1.UpdateIncidentResponse{Incident: &incidentv1.Incident{Name: "incidents/khidr-jija", Etag: "e-2"}},
		extracted{"incidents/khidr-jija", "r-1", "e-2", []string{"title", "notes"}}},
	{"state change names its resource",
		"/tansiq.incident.v1.IncidentService/ConfirmIncident",
		&incidentv1.ConfirmIncidentRequest{Name: "incidents/liheban", RequestId: "r-2"},
		&incidentv1.ConfirmIncidentResponse{Incident: &incidentv1.Incident{Name: "incidents/liheban", Etag: "e-3"}},
		extracted{"incidents/liheban", "r-2", "e-3", nil}},
	{"create is known by its parent until the response names the record",
		"/tansiq.forces.v1.ForcesService/CreateUnit",
		&forcesv1.CreateUnitRequest{Parent: "forces/peshmerga", UnitId: "makhmour-front", RequestId: "r-3"},
		&forcesv1.CreateUnitResponse{Unit: &forcesv1.Unit{Name: "forces/peshmerga/units/makhmour-front", Etag: "e-1"}},
		extracted{"forces/peshmerga/units/makhmour-front", "r-3", "e-1", nil}},
	{"create without a parent is known by the response alone",
		"/tansiq.incident.v1.IncidentService/CreateIncident",
		&incidentv1.CreateIncidentRequest{Incident: &incidentv1.Incident{Title: "x"}, RequestId: "r-4"},
		&incidentv1.CreateIncidentResponse{Incident: &incidentv1.Incident{Name: "incidents/i1", Etag: "e-1"}},
		extracted{"incidents/i1", "r-4", "e-1", nil}},
	{"delete keeps the request's name: its response is empty",
		"/tansiq.forces.v1.ForcesService/DeleteUnit",
		&forcesv1.DeleteUnitRequest{Name: "forces/iraqi-army/units/first-battalion", Etag: "e-9"},
		&forcesv1.DeleteUnitResponse{},
		extracted{"forces/iraqi-army/units/first-battalion", "", "", nil}},
}

func TestExtractFromMessages(t *testing.T) {
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			if got := extract(tt.req, tt.resp); !got.equal(tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	t.Run("refused create names the parent", func(t *testing.T) {
		got := extract(calls[2].req, nil)
		want := extracted{Resource: "forces/peshmerga", RequestID: "r-3"}
		if !got.equal(want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
}

// TestExtractFromRawBytes: the gateway forwards calls undecoded; the recorder decodes the
// bytes with the method's descriptors, into the generated types this program links, and
// finds the same facts as in the messages.
func TestExtractFromRawBytes(t *testing.T) {
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			in, out := marshal(t, tt.req), marshal(t, tt.resp)
			req, resp := decode(tt.method, in, out)
			if req == nil || resp == nil {
				t.Fatalf("decode(%s) = %v, %v", tt.method, req, resp)
			}
			if reflect.TypeOf(req) != reflect.TypeOf(tt.req) || reflect.TypeOf(resp) != reflect.TypeOf(tt.resp) {
				t.Fatalf("decoded %T and %T, want the generated %T and %T", req, resp, tt.req, tt.resp)
			}
			if got := extract(req, resp); !got.equal(tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	tests := []struct {
		name, method string
		in           []byte
	}{
		{"unknown service", "/tansiq.nothing.v1.NoService/CreateThing", marshal(t, calls[0].req)},
		{"unknown method", "/tansiq.incident.v1.IncidentService/CreateNothing", marshal(t, calls[0].req)},
		{"malformed method", "CreateIncident", marshal(t, calls[0].req)},
		{"bytes that are not the message", "/tansiq.incident.v1.IncidentService/UpdateIncident", []byte{0xff, 0xff, 0xff}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if req, _ := decode(tt.method, tt.in, nil); req != nil {
				t.Errorf("decode gave %v, want nothing", req)
			}
		})
	}
}

// TestDecodesTypesNotLinked: a message whose Go type this program does not link is
// decoded from its descriptor alone.
func TestDecodesTypesNotLinked(t *testing.T) {
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name: proto.String("unlinked.proto"), Package: proto.String("tansiq.unlinked.v1"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("Thing"), Field: []*descriptorpb.FieldDescriptorProto{{
			Name: proto.String("name"), JsonName: proto.String("name"), Number: proto.Int32(1),
			Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum(),
		}}}},
	}, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	d := fd.Messages().Get(0)
	msg := asProto(marshal(t, &incidentv1.GetIncidentRequest{Name: "incidents/i1"}), d)
	if _, dynamic := msg.(*dynamicpb.Message); !dynamic {
		t.Fatalf("decoded a %T, want a message built from the descriptor", msg)
	}
	if got := msg.ProtoReflect().Get(d.Fields().Get(0)).String(); got != "incidents/i1" {
		t.Errorf("decoded name %q, want incidents/i1", got)
	}
}

func marshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
