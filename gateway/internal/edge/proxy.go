package edge

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Routes maps a fully qualified service name ("tansiq.incident.v1.IncidentService") to the
// connection of the backend that serves it.
type Routes map[string]grpc.ClientConnInterface

// ServerOptions returns the options that make a gRPC server forward every call for a
// routed service: install them on the gateway's server. A forwarded unary call that carries
// no deadline is given defaultDeadline (the server's own --default-deadline) when it is
// positive.
func ServerOptions(routes Routes, defaultDeadline time.Duration) []grpc.ServerOption {
	p := &proxy{routes: routes, oneRequest: map[string]bool{}, unary: map[string]bool{}, defaultDeadline: defaultDeadline}
	for service := range routes {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(service))
		if err != nil {
			continue
		}
		if sd, ok := d.(protoreflect.ServiceDescriptor); ok {
			for i := range sd.Methods().Len() {
				m := sd.Methods().Get(i)
				name := "/" + service + "/" + string(m.Name())
				if !m.IsStreamingClient() {
					p.oneRequest[name] = true
					p.unary[name] = !m.IsStreamingServer()
				}
			}
		}
	}
	return []grpc.ServerOption{
		grpc.ForceServerCodecV2(codec{}),
		grpc.UnknownServiceHandler(p.handle),
	}
}

type proxy struct {
	routes Routes
	// oneRequest holds the routed methods whose client sends one request, by full name;
	// unary those of them whose server sends one response.
	oneRequest, unary map[string]bool
	defaultDeadline   time.Duration
}

var bidi = &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}

// handle forwards one call, whatever its kind: unary calls are streams of one message.
func (p *proxy) handle(_ any, in grpc.ServerStream) error {
	method, ok := grpc.MethodFromServerStream(in)
	if !ok {
		return status.Error(codes.Internal, "no method")
	}
	conn, ok := p.routes[serviceOf(method)]
	if !ok {
		return status.Errorf(codes.Unimplemented, "unknown service %s", serviceOf(method))
	}
	md, _ := metadata.FromIncomingContext(in.Context())
	if p.unary[method] {
		ctx := in.Context()
		if _, ok := ctx.Deadline(); !ok && p.defaultDeadline > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, p.defaultDeadline)
			defer cancel()
		}
		return forwardUnary(metadata.NewOutgoingContext(ctx, forwardable(md)), in, conn, method)
	}
	ctx, cancel := context.WithCancel(in.Context())
	defer cancel()
	out, err := conn.NewStream(metadata.NewOutgoingContext(ctx, forwardable(md)), bidi, method, grpc.ForceCodecV2(codec{}))
	if err != nil {
		return err
	}

	if p.oneRequest[method] {
		// The request is sent on before any response can come: no goroutine needed. A
		// request that cannot be read fails the call; one the backend no longer takes
		// (io.EOF) leaves its status to the response.
		if err := pumpRequests(in, out); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
	} else {
		// Requests flow in a goroutine; responses in this one, which owns the result.
		go func() { _ = pumpRequests(in, out) }()
	}

	header, err := out.Header()
	if err != nil {
		return err
	}
	if err := in.SendHeader(header); err != nil {
		return err
	}
	for {
		f := &frame{}
		if err := out.RecvMsg(f); err != nil {
			in.SetTrailer(out.Trailer())
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err // the backend's status, details included
		}
		if err := in.SendMsg(f); err != nil {
			return err
		}
	}
}

// forwardUnary forwards a call of one request and one response as a unary call: gRPC
// starts a goroutine per stream to watch its context, and none for a unary call.
func forwardUnary(ctx context.Context, in grpc.ServerStream, conn grpc.ClientConnInterface, method string) error {
	req := &frame{}
	if err := in.RecvMsg(req); errors.Is(err, io.EOF) {
		return status.Error(codes.Internal, "no request message for a method that takes one")
	} else if err != nil {
		return err
	}
	var header, trailer metadata.MD
	resp := &frame{}
	err := conn.Invoke(ctx, method, req, resp, grpc.ForceCodecV2(codec{}), grpc.Header(&header), grpc.Trailer(&trailer))
	// Sent with the response, or with the status when there is none. Most backends send
	// neither: setting nothing spares gRPC copying empty metadata. The header gRPC hands
	// the client carries the backend's content-type, which the gateway's server writes
	// itself: without dropping it, every call would set a header.
	if header = forwardable(header); len(header) > 0 {
		if hErr := in.SetHeader(header); hErr != nil && err == nil {
			return hErr
		}
	}
	if len(trailer) > 0 {
		in.SetTrailer(trailer)
	}
	if err != nil {
		return err // the backend's status, details included
	}
	return in.SendMsg(resp)
}

func pumpRequests(in grpc.ServerStream, out grpc.ClientStream) error {
	for {
		f := &frame{}
		if err := in.RecvMsg(f); err != nil {
			if errors.Is(err, io.EOF) {
				return out.CloseSend()
			}
			return err
		}
		if err := out.SendMsg(f); err != nil {
			return err
		}
	}
}

func serviceOf(method string) string {
	s := strings.TrimPrefix(method, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[:i]
	}
	return s
}

// forwardable drops the transport's own headers from md (the call's own copy, changed in
// place); the rest (the caller's token, request ids, custom metadata) travels on. grpc-go
// sets the deadline and trace headers itself. Calls from browsers arrive over HTTP/1.1 (see
// webserver) with its connection headers, which HTTP/2 forbids: a backend would reset the
// stream.
func forwardable(md metadata.MD) metadata.MD {
	for k := range md {
		if strings.HasPrefix(k, ":") || strings.HasPrefix(k, "grpc-") || transportHeaders[k] {
			delete(md, k)
		}
	}
	return md
}

var transportHeaders = map[string]bool{
	"content-type": true, "user-agent": true, "te": true, "traceparent": true, "tracestate": true,
	"connection": true, "keep-alive": true, "proxy-connection": true, "transfer-encoding": true,
	"upgrade": true, "host": true, "content-length": true, "accept-encoding": true,
}
