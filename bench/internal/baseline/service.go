package baseline

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// ServiceName and Method name the baseline's one method. They are registered by hand
// with a grpc.ServiceDesc, so the baseline needs no .proto of its own.
const (
	ServiceName = "tansiq.bench.v1.Baseline"
	Method      = "/" + ServiceName + "/Get"
)

// Server answers every Get with the same reply and counts the calls.
type Server struct {
	reply *wrapperspb.BytesValue
	calls atomic.Int64
}

// NewServer returns a server whose replies carry replyBytes bytes of payload.
func NewServer(replyBytes int) *Server {
	return &Server{reply: wrapperspb.Bytes(make([]byte, max(replyBytes, 0)))}
}

// Calls is the number of Get calls served so far.
func (s *Server) Calls() int64 { return s.calls.Load() }

// Register adds the baseline service to r.
func (s *Server) Register(r grpc.ServiceRegistrar) { r.RegisterService(&serviceDesc, s) }

func (s *Server) get(context.Context, *wrapperspb.StringValue) (*wrapperspb.BytesValue, error) {
	s.calls.Add(1)
	return s.reply, nil
}

// getter is what serviceDesc needs of the registered implementation.
type getter interface {
	get(context.Context, *wrapperspb.StringValue) (*wrapperspb.BytesValue, error)
}

var serviceDesc = grpc.ServiceDesc{
	ServiceName: ServiceName,
	HandlerType: (*getter)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Get", Handler: getHandler}},
	Streams:     []grpc.StreamDesc{},
	Metadata:    "bench/baseline",
}

// getHandler is what protoc-gen-go-grpc would generate for the method.
func getHandler(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
	in := new(wrapperspb.StringValue)
	if err := dec(in); err != nil {
		return nil, err
	}
	if interceptor == nil {
		return srv.(getter).get(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: Method}
	return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
		return srv.(getter).get(ctx, req.(*wrapperspb.StringValue))
	})
}

// Get calls the baseline's method over cc with name as the request.
func Get(ctx context.Context, cc grpc.ClientConnInterface, name string) (*wrapperspb.BytesValue, error) {
	out := new(wrapperspb.BytesValue)
	if err := cc.Invoke(ctx, Method, wrapperspb.String(name), out); err != nil {
		return nil, err
	}
	return out, nil
}
