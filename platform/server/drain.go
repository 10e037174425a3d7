package server

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// drainer ends the server's streaming calls when a graceful stop begins. GracefulStop
// waits for every call in flight, and a watch never ends by itself: without this, any
// open watch (another service following this one, a client watching health) would make
// every stop wait out ShutdownTimeout and then cut everything. A stream ended this way
// gets UNAVAILABLE, which tells its client to reconnect and resume; unary calls are left
// to finish.
type drainer struct {
	ctx   context.Context
	start context.CancelFunc
}

func newDrainer() *drainer {
	ctx, cancel := context.WithCancel(context.Background())
	return &drainer{ctx: ctx, start: cancel}
}

// stream is the interceptor that lets the drain end a streaming call.
func (d *drainer) stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		if !streaming(info) {
			return h(srv, ss)
		}
		ctx, cancel := context.WithCancel(ss.Context())
		defer cancel()
		defer context.AfterFunc(d.ctx, cancel)()
		err := h(srv, &drainStream{ServerStream: ss, ctx: ctx})
		if d.ctx.Err() != nil && ss.Context().Err() == nil {
			return status.Error(codes.Unavailable, "the server is shutting down: reconnect and resume")
		}
		return err
	}
}

type drainStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *drainStream) Context() context.Context { return s.ctx }

// streaming reports whether a call is declared as a stream. A gateway forwards unary calls
// through its unknown-service handler, which gRPC runs as a bidirectional stream, so the
// declared shape is read from the registered descriptors; the handler's flags decide only
// for a method they do not know.
func streaming(info *grpc.StreamServerInfo) bool {
	svc, method, ok := strings.Cut(strings.TrimPrefix(info.FullMethod, "/"), "/")
	if ok {
		if d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc + "." + method)); err == nil {
			if md, ok := d.(protoreflect.MethodDescriptor); ok {
				return md.IsStreamingServer() || md.IsStreamingClient()
			}
		}
	}
	return info.IsServerStream || info.IsClientStream
}
