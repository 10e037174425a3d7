package edge

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// backend echoes what it receives and reports what reached it: the metadata and the
// deadline of the last call.
type backend struct {
	testgrpc.UnimplementedTestServiceServer
	seen chan seen
}

type seen struct {
	md       metadata.MD
	deadline time.Time
	ok       bool
}

func (b *backend) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	d, ok := ctx.Deadline()
	b.seen <- seen{md: md, deadline: d, ok: ok}
}

// refused is the status the backend ends a call with when asked to fail: a code, a
// message and details that the gateway must pass on byte for byte.
func refused() *status.Status {
	st, err := status.New(codes.FailedPrecondition, "zone is closed").WithDetails(
		&errdetails.ErrorInfo{Reason: "ZONE_CLOSED", Domain: "tansiq.test", Metadata: map[string]string{"zone": "zones/makhmour"}})
	if err != nil {
		panic(err)
	}
	return st
}

func (b *backend) UnaryCall(ctx context.Context, req *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	b.record(ctx)
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-backend-header", "h"))
	_ = grpc.SetTrailer(ctx, metadata.Pairs("x-backend-trailer", "t"))
	if req.GetFillUsername() {
		return nil, refused().Err()
	}
	if req.GetFillServerId() { // held until the caller gives up
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return &testpb.SimpleResponse{Payload: req.GetPayload(), Username: "backend"}, nil
}

func (b *backend) StreamingOutputCall(req *testpb.StreamingOutputCallRequest, s testgrpc.TestService_StreamingOutputCallServer) error {
	b.record(s.Context())
	for _, p := range req.GetResponseParameters() {
		if err := s.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: make([]byte, p.GetSize())}}); err != nil {
			return err
		}
	}
	return nil
}

func (b *backend) StreamingInputCall(s testgrpc.TestService_StreamingInputCallServer) error {
	b.record(s.Context())
	total := 0
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return s.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: int32(total)})
		}
		if err != nil {
			return err
		}
		total += len(req.GetPayload().GetBody())
	}
}

func (b *backend) FullDuplexCall(s testgrpc.TestService_FullDuplexCallServer) error {
	b.record(s.Context())
	for {
		req, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(&testpb.StreamingOutputCallResponse{Payload: req.GetPayload()}); err != nil {
			return err
		}
	}
}

func listen(t *testing.T, s *grpc.Server) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

func dialTo(t *testing.T, addr string, _ ...string) (*grpc.ClientConn, error) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err == nil {
		t.Cleanup(func() { _ = conn.Close() })
	}
	return conn, err
}

// gateway starts a backend serving the test service and a gateway forwarding to it, and
// returns a client of the gateway and the backend's reports.
func gateway(t *testing.T) (testgrpc.TestServiceClient, *grpc.ClientConn, chan seen) {
	t.Helper()
	return gatewayWithDeadline(t, 0)
}

// gatewayWithDeadline is gateway with the default deadline of forwarded unary calls.
func gatewayWithDeadline(t *testing.T, defaultDeadline time.Duration) (testgrpc.TestServiceClient, *grpc.ClientConn, chan seen) {
	t.Helper()
	b := &backend{seen: make(chan seen, 16)}
	bs := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(bs, b)
	routes, err := Connect(func(target string, retryable ...string) (*grpc.ClientConn, error) {
		return dialTo(t, target, retryable...)
	}, []Backend{
		{Addr: listen(t, bs), Services: []string{"grpc.testing.TestService"}},
		{Addr: "", Services: []string{"grpc.testing.UnimplementedService"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := routes["grpc.testing.UnimplementedService"]; ok {
		t.Fatal("a backend without an address was routed")
	}
	gw := grpc.NewServer(ServerOptions(routes, defaultDeadline)...)
	conn, err := dialTo(t, listen(t, gw))
	if err != nil {
		t.Fatal(err)
	}
	return testgrpc.NewTestServiceClient(conn), conn, b.seen
}

func TestUnaryCallTravelsWithMetadataAndDeadline(t *testing.T) {
	c, _, seenBy := gateway(t)
	deadline := time.Now().Add(4 * time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer token-1", "x-request-tag", "a", "x-request-tag", "b")
	var header, trailer metadata.MD
	resp, err := c.UnaryCall(ctx, &testpb.SimpleRequest{Payload: &testpb.Payload{Body: []byte("incident")}},
		grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.GetPayload().GetBody()) != "incident" || resp.GetUsername() != "backend" {
		t.Fatalf("response %v, want the backend's echo", resp)
	}
	got := <-seenBy
	if v := got.md.Get("authorization"); !slices.Equal(v, []string{"Bearer token-1"}) {
		t.Fatalf("backend saw authorization %q", v)
	}
	if v := got.md.Get("x-request-tag"); !slices.Equal(v, []string{"a", "b"}) {
		t.Fatalf("backend saw x-request-tag %q, want both values", v)
	}
	if !got.ok {
		t.Fatal("the caller's deadline did not reach the backend")
	}
	// The wire carries the deadline as a timeout, to a precision far finer than this.
	if diff := got.deadline.Sub(deadline).Abs(); diff > 200*time.Millisecond {
		t.Fatalf("backend's deadline is %v off the caller's", diff)
	}
	if v := header.Get("x-backend-header"); !slices.Equal(v, []string{"h"}) {
		t.Fatalf("caller got header %q from the backend", v)
	}
	if v := trailer.Get("x-backend-trailer"); !slices.Equal(v, []string{"t"}) {
		t.Fatalf("caller got trailer %q from the backend", v)
	}
}

// TestUnaryCallWithoutDeadlineGetsTheDefault: the gateway gives a forwarded unary call
// without a deadline its own default one, as the server does its own unary calls; a stream
// gets none (a watch is long-lived by design).
func TestUnaryCallWithoutDeadlineGetsTheDefault(t *testing.T) {
	c, _, seenBy := gatewayWithDeadline(t, 3*time.Second)
	start := time.Now()
	if _, err := c.UnaryCall(context.Background(), &testpb.SimpleRequest{}); err != nil {
		t.Fatal(err)
	}
	got := <-seenBy
	if !got.ok {
		t.Fatal("a unary call without a deadline reached the backend without one")
	}
	if left := got.deadline.Sub(start); left < 2*time.Second || left > 3*time.Second+200*time.Millisecond {
		t.Fatalf("the backend's deadline is %v after the call started, want about 3s", left)
	}
	s, err := c.StreamingOutputCall(context.Background(), &testpb.StreamingOutputCallRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("stream: %v, want EOF", err)
	}
	if got := <-seenBy; got.ok {
		t.Fatal("a stream without a deadline was given one")
	}
}

func TestStatusIsPassedThroughUnchanged(t *testing.T) {
	c, _, seenBy := gateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var trailer metadata.MD
	_, err := c.UnaryCall(ctx, &testpb.SimpleRequest{FillUsername: true}, grpc.Trailer(&trailer))
	<-seenBy
	got := status.Convert(err)
	want := refused()
	if !proto.Equal(got.Proto(), want.Proto()) {
		t.Fatalf("caller got %v, want the backend's %v", got.Proto(), want.Proto())
	}
	if v := trailer.Get("x-backend-trailer"); !slices.Equal(v, []string{"t"}) {
		t.Fatalf("caller got trailer %q with the error", v)
	}
}

func TestDeadlineEndsTheBackendCall(t *testing.T) {
	c, _, seenBy := gateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	// A bidirectional stream the caller never ends: only the deadline can.
	s, err := c.FullDuplexCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Recv()
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("stream ended with %v, want DEADLINE_EXCEEDED", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("a 300ms deadline ended the call after %v", took)
	}
	if got := <-seenBy; !got.ok {
		t.Fatal("the stream reached the backend without a deadline")
	}
}

func TestStreamsOfEveryKind(t *testing.T) {
	c, _, seenBy := gateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// Server streaming.
	out, err := c.StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{Size: 1}, {Size: 2}, {Size: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for {
		m, err := out.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(m.GetPayload().GetBody()))
	}
	if !slices.Equal(sizes, []int{1, 2, 3}) {
		t.Fatalf("server stream delivered sizes %v, want [1 2 3]", sizes)
	}
	<-seenBy

	// Client streaming.
	in, err := c.StreamingInputCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{10, 20, 30} {
		if err := in.Send(&testpb.StreamingInputCallRequest{Payload: &testpb.Payload{Body: make([]byte, n)}}); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := in.CloseAndRecv()
	if err != nil || sum.GetAggregatedPayloadSize() != 60 {
		t.Fatalf("client stream: %v, %v; want 60 bytes received", sum, err)
	}
	<-seenBy

	// Bidirectional, in lock step: each reply comes before the next request is sent.
	bidi, err := c.FullDuplexCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"propose", "acknowledge", "end"} {
		if err := bidi.Send(&testpb.StreamingOutputCallRequest{Payload: &testpb.Payload{Body: []byte(word)}}); err != nil {
			t.Fatal(err)
		}
		m, err := bidi.Recv()
		if err != nil || string(m.GetPayload().GetBody()) != word {
			t.Fatalf("bidi echo of %q: %v, %v", word, m, err)
		}
	}
	if err := bidi.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := bidi.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("bidi end: %v, want EOF", err)
	}
	<-seenBy
}

func TestUnroutedServiceIsUnimplemented(t *testing.T) {
	_, conn, _ := gateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := testgrpc.NewUnimplementedServiceClient(conn).UnimplementedCall(ctx, &testpb.Empty{})
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("call to an unrouted service: %v, want UNIMPLEMENTED", err)
	}
}

// TestUnaryCallTakesNoGoroutineOfItsOwn: a forwarded unary call costs the gateway its
// handler and nothing more; forwarded as a stream, gRPC would start one more goroutine per
// call to watch the stream's context.
func TestUnaryCallTakesNoGoroutineOfItsOwn(t *testing.T) {
	c, _, seenBy := gateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.UnaryCall(ctx, &testpb.SimpleRequest{}); err != nil { // connections up
		t.Fatal(err)
	}
	<-seenBy
	before := runtime.NumGoroutine()
	held, release := context.WithCancel(ctx)
	const calls = 20
	done := make(chan error, calls)
	for range calls {
		go func() {
			_, err := c.UnaryCall(held, &testpb.SimpleRequest{FillServerId: true})
			done <- err
		}()
	}
	for range calls {
		<-seenBy // every call has reached the backend and waits there
	}
	during := runtime.NumGoroutine()
	release()
	for range calls {
		if err := <-done; status.Code(err) != codes.Canceled {
			t.Fatalf("held call ended with %v, want CANCELLED", err)
		}
	}
	// Per call: the caller's goroutine, the gateway's handler, the backend's handler.
	if per := float64(during-before) / calls; per > 3 {
		t.Errorf("%.1f goroutines per forwarded unary call in flight, want 3 (caller, gateway handler, backend handler)", per)
	}
}

// TestUnaryCallWithoutRequestIsRefused: a call to a unary method that ends without its
// request (a broken client) is refused, not forwarded.
func TestUnaryCallWithoutRequestIsRefused(t *testing.T) {
	_, conn, _ := gateway(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, "/grpc.testing.TestService/UnaryCall")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if err := s.RecvMsg(&testpb.SimpleResponse{}); status.Code(err) != codes.Internal {
		t.Fatalf("unary call without its request: %v, want INTERNAL", err)
	}
}

func (b *backend) EmptyCall(ctx context.Context, _ *testpb.Empty) (*testpb.Empty, error) {
	b.record(ctx)
	return &testpb.Empty{}, nil
}

// recordingStream is the gateway's side of a forwarded unary call, as forwardUnary sees it:
// one request, and the headers and responses it is given.
type recordingStream struct {
	grpc.ServerStream
	req     []byte
	headers []metadata.MD
	sent    int
}

func (s *recordingStream) Context() context.Context { return context.Background() }

func (s *recordingStream) RecvMsg(m any) error {
	m.(*frame).data = mem.BufferSlice{mem.SliceBuffer(s.req)}
	return nil
}

func (s *recordingStream) SetHeader(md metadata.MD) error {
	s.headers = append(s.headers, md)
	return nil
}

func (s *recordingStream) SetTrailer(metadata.MD) {}

func (s *recordingStream) SendMsg(m any) error {
	s.sent++
	m.(*frame).data.Free()
	return nil
}

// A backend that sends no header of its own gets none set on the caller's call (gRPC's
// own, content-type, is the gateway server's to write), and one it sends is passed on.
func TestForwardedHeaderIsTheBackendsOwn(t *testing.T) {
	b := &backend{seen: make(chan seen, 16)}
	bs := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(bs, b)
	conn, err := dialTo(t, listen(t, bs))
	if err != nil {
		t.Fatal(err)
	}
	forward := func(method string, req proto.Message) *recordingStream {
		t.Helper()
		raw, err := proto.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		in := &recordingStream{req: raw}
		if err := forwardUnary(context.Background(), in, conn, method); err != nil || in.sent != 1 {
			t.Fatalf("%s: %v, %d responses", method, err, in.sent)
		}
		return in
	}
	if in := forward("/grpc.testing.TestService/EmptyCall", &testpb.Empty{}); len(in.headers) != 0 {
		t.Fatalf("a backend without headers: the gateway set %v", in.headers)
	}
	in := forward("/grpc.testing.TestService/UnaryCall", &testpb.SimpleRequest{})
	if len(in.headers) != 1 || !slices.Equal(in.headers[0].Get("x-backend-header"), []string{"h"}) || len(in.headers[0]) != 1 {
		t.Fatalf("a backend's header: the gateway set %v, want x-backend-header alone", in.headers)
	}
}
