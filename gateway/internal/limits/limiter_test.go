package limits

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/tansiq/tansiq/platform/auth"
)

// Bodies of the test service's requests: "hold" waits until the test lets go, anything
// else answers at once.
const hold = "hold"

// service answers UnaryCall and StreamingOutputCall; a held call signals entered and
// waits for release.
type service struct {
	testgrpc.UnimplementedTestServiceServer
	entered chan struct{}
	release chan struct{}
}

func newService() *service {
	return &service{entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (s *service) wait(ctx context.Context, body []byte) error {
	if string(body) != hold {
		return nil
	}
	s.entered <- struct{}{}
	select {
	case <-s.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *service) UnaryCall(ctx context.Context, req *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	if err := s.wait(ctx, req.GetPayload().GetBody()); err != nil {
		return nil, err
	}
	return &testpb.SimpleResponse{}, nil
}

func (s *service) StreamingOutputCall(req *testpb.StreamingOutputCallRequest, out testgrpc.TestService_StreamingOutputCallServer) error {
	if err := s.wait(out.Context(), req.GetPayload().GetBody()); err != nil {
		return err
	}
	return out.Send(&testpb.StreamingOutputCallResponse{})
}

// forward serves the same two methods the way the gateway forwards calls: through an
// unknown-service handler, which gRPC runs as a bidirectional stream for both.
func (s *service) forward(_ any, ss grpc.ServerStream) error {
	method, _ := grpc.MethodFromServerStream(ss)
	switch method {
	case testgrpc.TestService_UnaryCall_FullMethodName:
		req := &testpb.SimpleRequest{}
		if err := ss.RecvMsg(req); err != nil {
			return err
		}
		if err := s.wait(ss.Context(), req.GetPayload().GetBody()); err != nil {
			return err
		}
		return ss.SendMsg(&testpb.SimpleResponse{})
	case testgrpc.TestService_StreamingOutputCall_FullMethodName:
		req := &testpb.StreamingOutputCallRequest{}
		if err := ss.RecvMsg(req); err != nil {
			return err
		}
		if err := s.wait(ss.Context(), req.GetPayload().GetBody()); err != nil {
			return err
		}
		return ss.SendMsg(&testpb.StreamingOutputCallResponse{})
	}
	return status.Error(codes.Unimplemented, method)
}

// subjectHeader stands in for a verified token in these tests: fakeAuth turns it into the
// caller's identity, as the platform's authenticator does with a token.
const subjectHeader = "x-test-subject"

func fakeAuth(ctx context.Context) context.Context {
	if v := metadata.ValueFromIncomingContext(ctx, subjectHeader); len(v) == 1 {
		return auth.WithIdentity(ctx, auth.Identity{Subject: v[0], Force: "forces/peshmerga", Role: auth.RoleOperator})
	}
	return ctx
}

type authStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *authStream) Context() context.Context { return s.ctx }

// serve starts a server with fake authentication followed by the limiter, as the gateway
// orders them, and returns a connection to it. forwarded serves the test service through
// an unknown-service handler instead of registering it.
func serve(t *testing.T, cfg Config, forwarded bool) (*Limiter, *service, *grpc.ClientConn) {
	t.Helper()
	l := New(cfg)
	svc := newService()
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			return h(fakeAuth(ctx), req)
		}, l.Unary()),
		grpc.ChainStreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			return h(srv, &authStream{ServerStream: ss, ctx: fakeAuth(ss.Context())})
		}, l.Stream()),
	}
	if forwarded {
		opts = append(opts, grpc.UnknownServiceHandler(svc.forward))
	}
	srv := grpc.NewServer(opts...)
	if !forwarded {
		testgrpc.RegisterTestServiceServer(srv, svc)
	}
	healthpb.RegisterHealthServer(srv, health.NewServer())
	lis := bufconn.Listen(1 << 20)
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		close(svc.release) // idempotent for the test: each test releases only here
		_ = conn.Close()
		srv.Stop()
	})
	return l, svc, conn
}

// call is one call a test makes: who makes it, which shape, and whether it holds.
type call struct {
	subject string // "" calls without an identity
	stream  bool
	health  bool
	hold    bool
}

// do makes c and returns its outcome. A held call returns once it has been let go.
func do(ctx context.Context, conn *grpc.ClientConn, c call) error {
	if c.subject != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, subjectHeader, c.subject)
	}
	body := []byte("now")
	if c.hold {
		body = []byte(hold)
	}
	client := testgrpc.NewTestServiceClient(conn)
	switch {
	case c.health:
		_, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		return err
	case c.stream:
		s, err := client.StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{Payload: &testpb.Payload{Body: body}})
		if err != nil {
			return err
		}
		for {
			if _, err := s.Recv(); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
		}
	default:
		_, err := client.UnaryCall(ctx, &testpb.SimpleRequest{Payload: &testpb.Payload{Body: body}})
		return err
	}
}

// outcome is what a test compares: the code, the ErrorInfo reason and the RetryInfo delay.
type outcome struct {
	code       codes.Code
	reason     string
	retryAfter time.Duration
}

func outcomeOf(err error) outcome {
	st := status.Convert(err)
	o := outcome{code: st.Code()}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			o.reason = d.GetReason()
		case *errdetails.RetryInfo:
			o.retryAfter = d.GetRetryDelay().AsDuration()
		}
	}
	return o
}

func TestCapsPerCaller(t *testing.T) {
	const jamal, shammari = "forces/peshmerga/people/jamal", "forces/iraqi-army/people/shammari"
	callsExhausted := outcome{codes.ResourceExhausted, ReasonTooManyCalls, 250 * time.Millisecond}
	streamsExhausted := outcome{codes.ResourceExhausted, ReasonTooManyStreams, 250 * time.Millisecond}
	tests := []struct {
		name      string
		cfg       Config
		forwarded bool
		held      []call // made first and kept in flight
		then      call
		want      outcome
	}{
		{"unary calls over the cap", Config{MaxInflight: 2, MaxStreams: 2}, false,
			[]call{{subject: jamal}, {subject: jamal}}, call{subject: jamal}, callsExhausted},
		{"another caller has its own budget", Config{MaxInflight: 2, MaxStreams: 2}, false,
			[]call{{subject: jamal}, {subject: jamal}}, call{subject: shammari}, outcome{}},
		{"streams over the cap", Config{MaxInflight: 2, MaxStreams: 1}, false,
			[]call{{subject: jamal, stream: true}}, call{subject: jamal, stream: true}, streamsExhausted},
		{"streams do not use the unary budget", Config{MaxInflight: 1, MaxStreams: 1}, false,
			[]call{{subject: jamal}}, call{subject: jamal, stream: true}, outcome{}},
		{"unary calls do not use the stream budget", Config{MaxInflight: 1, MaxStreams: 1}, false,
			[]call{{subject: jamal, stream: true}}, call{subject: jamal}, outcome{}},
		{"forwarded unary calls count as unary", Config{MaxInflight: 1, MaxStreams: 5}, true,
			[]call{{subject: jamal}}, call{subject: jamal}, callsExhausted},
		{"forwarded streams count as streams", Config{MaxInflight: 5, MaxStreams: 1}, true,
			[]call{{subject: jamal, stream: true}}, call{subject: jamal, stream: true}, streamsExhausted},
		{"forwarded unary calls leave the stream budget alone", Config{MaxInflight: 5, MaxStreams: 1}, true,
			[]call{{subject: jamal}}, call{subject: jamal, stream: true}, outcome{}},
		{"calls without identity share one anonymous budget", Config{MaxInflight: 1, MaxStreams: 1}, false,
			[]call{{}}, call{}, callsExhausted},
		{"an identity is not charged for anonymous calls", Config{MaxInflight: 1, MaxStreams: 1}, false,
			[]call{{}}, call{subject: jamal}, outcome{}},
		// Issue 13, row 8: anonymous reflection streams locked out token holders.
		{"anonymous streams leave token holders' streams alone", Config{MaxInflight: 1, MaxStreams: 2}, false,
			[]call{{stream: true}, {stream: true}}, call{subject: jamal, stream: true}, outcome{}},
		{"health is never limited", Config{MaxInflight: 1, MaxStreams: 1}, false,
			[]call{{}}, call{health: true}, outcome{}},
		{"zero means no cap", Config{}, false,
			[]call{{subject: jamal}, {subject: jamal}, {subject: jamal, stream: true}}, call{subject: jamal}, outcome{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			tt.cfg.RetryAfter = 250 * time.Millisecond
			l, svc, conn := serve(t, tt.cfg, tt.forwarded)
			heldErr := make(chan error, len(tt.held))
			for _, c := range tt.held {
				c.hold = true
				go func() { heldErr <- do(ctx, conn, c) }()
				select {
				case <-svc.entered:
				case err := <-heldErr:
					t.Fatalf("held call %+v ended early: %v", c, err)
				case <-ctx.Done():
					t.Fatal("held call never reached the handler")
				}
			}
			if got := outcomeOf(do(ctx, conn, tt.then)); got != tt.want {
				t.Errorf("call %+v with %d held: got %+v, want %+v", tt.then, len(tt.held), got, tt.want)
			}
			// Let the held calls finish: each was admitted, so each succeeds, and every slot
			// is given back.
			for range tt.held {
				svc.release <- struct{}{}
			}
			for range tt.held {
				if err := <-heldErr; err != nil {
					t.Errorf("held call: %v", err)
				}
			}
			if calls, streams := l.InFlight(); calls != 0 || streams != 0 {
				t.Errorf("after every call ended the limiter counts %d calls, %d streams; want 0, 0", calls, streams)
			}
		})
	}
}

func TestARefusedCallerGetsInOnceASlotFrees(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, svc, conn := serve(t, Config{MaxInflight: 1, MaxStreams: 1}, true)
	const who = "forces/peshmerga/people/jamal"
	heldErr := make(chan error, 1)
	go func() { heldErr <- do(ctx, conn, call{subject: who, hold: true}) }()
	<-svc.entered
	if got := status.Code(do(ctx, conn, call{subject: who})); got != codes.ResourceExhausted {
		t.Fatalf("second call while one is held: %v, want ResourceExhausted", got)
	}
	svc.release <- struct{}{}
	if err := <-heldErr; err != nil {
		t.Fatal(err)
	}
	if err := do(ctx, conn, call{subject: who}); err != nil {
		t.Fatalf("the call after the held one ended: %v, want success", err)
	}
}

// TestNeverAdmitsMoreThanTheCap drives the interceptor from many goroutines at once and
// checks, from inside the handler, that no more calls than the cap ever run together.
func TestNeverAdmitsMoreThanTheCap(t *testing.T) {
	const limit, workers, each = 3, 16, 50
	l := New(Config{MaxInflight: limit})
	ctx := auth.WithIdentity(context.Background(), auth.Identity{Subject: "forces/peshmerga/people/jamal"})
	var mu sync.Mutex
	running, peak, refused := 0, 0, 0
	h := func(context.Context, any) (any, error) {
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		time.Sleep(100 * time.Microsecond)
		mu.Lock()
		running--
		mu.Unlock()
		return nil, nil
	}
	info := &grpc.UnaryServerInfo{FullMethod: "/tansiq.incident.v1.IncidentService/GetIncident"}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				if _, err := l.Unary()(ctx, nil, info, h); status.Code(err) == codes.ResourceExhausted {
					mu.Lock()
					refused++
					mu.Unlock()
				} else if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if peak > limit {
		t.Errorf("%d calls ran at once, cap %d", peak, limit)
	}
	if refused == 0 {
		t.Errorf("no call of %d from %d workers was refused with a cap of %d: the test did not press the cap", workers*each, workers, limit)
	}
	if calls, streams := l.InFlight(); calls != 0 || streams != 0 {
		t.Errorf("after the load the limiter counts %d calls, %d streams; want 0, 0", calls, streams)
	}
}

// InFlight returns how many calls of each kind the limiter counts now, over all callers:
// the unary calls and the streams. Tests use it to see that slots are given back.
func (l *Limiter) InFlight() (calls, streams int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for s, n := range l.counts {
		if s.kind == stream {
			streams += n
		} else {
			calls += n
		}
	}
	return calls, streams
}
