package audit

import (
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Mutating reports whether a full method name ("/pkg.Service/Method") may change state:
// every method but gRPC's own and those whose proto declares idempotency_level
// NO_SIDE_EFFECTS. A method missing from the registered descriptors is audited.
func Mutating(fullMethod string) bool {
	if strings.HasPrefix(fullMethod, "/grpc.") {
		return false
	}
	svc, name, _ := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc + "." + name))
	if err != nil {
		return true
	}
	md, ok := d.(protoreflect.MethodDescriptor)
	if !ok {
		return true
	}
	opts, _ := md.Options().(*descriptorpb.MethodOptions)
	return opts.GetIdempotencyLevel() != descriptorpb.MethodOptions_NO_SIDE_EFFECTS
}

// fromRequest fills what a request says: its request_id, the resource it names and the
// fields an update mask lists.
func fromRequest(r *Record, req proto.Message) {
	if req == nil {
		return
	}
	m := req.ProtoReflect()
	r.RequestID = stringField(m, "request_id")
	r.Resource = resourceName(m)
	if mask := messageField(m, "update_mask"); mask != nil {
		if f := mask.Descriptor().Fields().ByName("paths"); f != nil {
			l := mask.Get(f).List()
			for i := 0; i < l.Len(); i++ {
				r.ChangedFields = append(r.ChangedFields, l.Get(i).String())
			}
		}
	}
}

// fromResponse fills the resource name and etag of the record a call returned.
func fromResponse(r *Record, resp proto.Message) {
	if resp == nil {
		return
	}
	m := resp.ProtoReflect()
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		if f.Kind() != protoreflect.MessageKind || f.IsList() || f.IsMap() || !m.Has(f) {
			continue
		}
		sub := m.Get(f).Message()
		if n := stringField(sub, "name"); n != "" {
			r.Resource = n
			r.ResourceEtag = stringField(sub, "etag")
			return
		}
	}
}

// resourceName finds the resource a request is about: its name, the name of the resource
// it carries (updates), or its parent (creates, before the name exists).
func resourceName(m protoreflect.Message) string {
	if n := stringField(m, "name"); n != "" {
		return n
	}
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		if f.Kind() == protoreflect.MessageKind && !f.IsList() && !f.IsMap() && m.Has(f) {
			if n := stringField(m.Get(f).Message(), "name"); n != "" {
				return n
			}
		}
	}
	return stringField(m, "parent")
}

func stringField(m protoreflect.Message, name protoreflect.Name) string {
	f := m.Descriptor().Fields().ByName(name)
	if f == nil || f.Kind() != protoreflect.StringKind || f.IsList() {
		return ""
	}
	return m.Get(f).String()
}

func messageField(m protoreflect.Message, name protoreflect.Name) protoreflect.Message {
	f := m.Descriptor().Fields().ByName(name)
	if f == nil || f.Kind() != protoreflect.MessageKind || f.IsList() || !m.Has(f) {
		return nil
	}
	return m.Get(f).Message()
}
