package limits

import (
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// kind is which cap a call counts against.
type kind int

const (
	exempt kind = iota // not counted
	unary              // answers once
	stream             // stays open: watches, reflection sessions
)

// exemptPrefixes are never limited: probes must see the truth about the gateway even
// while a caller is being refused.
var exemptPrefixes = []string{"/grpc.health.v1."}

// streamKind says which cap a call through the stream interceptors counts against. The
// gateway forwards every backend call, unary ones included, through its unknown-service
// handler, which gRPC runs as a bidirectional stream; so the method's declared shape is
// read from the descriptors compiled into the gateway, and the handler's flags are used
// only for a method they do not know.
func streamKind(info *grpc.StreamServerInfo) kind {
	if isExempt(info.FullMethod) {
		return exempt
	}
	if md, ok := method(info.FullMethod); ok {
		if md.IsStreamingClient() || md.IsStreamingServer() {
			return stream
		}
		return unary
	}
	if info.IsClientStream || info.IsServerStream {
		return stream
	}
	return unary
}

func unaryKind(info *grpc.UnaryServerInfo) kind {
	if isExempt(info.FullMethod) {
		return exempt
	}
	return unary
}

func isExempt(fullMethod string) bool {
	for _, p := range exemptPrefixes {
		if strings.HasPrefix(fullMethod, p) {
			return true
		}
	}
	return false
}

// method finds "/pkg.Service/Method" among the registered descriptors.
func method(fullMethod string) (protoreflect.MethodDescriptor, bool) {
	svc, name, ok := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	if !ok {
		return nil, false
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc + "." + name))
	if err != nil {
		return nil, false
	}
	md, ok := d.(protoreflect.MethodDescriptor)
	return md, ok
}
