package edge

import (
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// ReflectionOptions makes reflection on the gateway describe its own services and every
// forwarded one, from the descriptors compiled into the gateway, so grpcurl works
// against the gateway as if the services were local.
func ReflectionOptions(s *grpc.Server, routes Routes) reflection.ServerOptions {
	return reflection.ServerOptions{
		Services:           services{s, routes},
		DescriptorResolver: protoregistry.GlobalFiles,
		ExtensionResolver:  protoregistry.GlobalTypes,
	}
}

type services struct {
	s      *grpc.Server
	routes Routes
}

func (x services) GetServiceInfo() map[string]grpc.ServiceInfo {
	info := x.s.GetServiceInfo()
	for name := range x.routes {
		info[name] = grpc.ServiceInfo{}
	}
	return info
}

// Services names every service the gateway serves, its own and the forwarded ones, but
// not reflection (a bidirectional stream, which no browser protocol carries).
func Services(s *grpc.Server, routes Routes) []string {
	var names []string
	for name := range (services{s, routes}).GetServiceInfo() {
		if !strings.HasPrefix(name, "grpc.reflection.") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}
