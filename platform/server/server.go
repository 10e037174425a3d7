package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"
	v1reflectiongrpc "google.golang.org/grpc/reflection/grpc_reflection_v1"
	v1alphareflectiongrpc "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"

	"github.com/tansiq/tansiq/platform/telemetry"
)

// Config says how to run a server. The zero value of each field has a safe default.
type Config struct {
	// Name identifies the process in logs, e.g. "incident".
	Name string
	// Listen is the address to listen on, e.g. "127.0.0.1:7001".
	Listen string
	// TLS, when set, makes the server speak TLS (and mTLS if it requires client certs).
	TLS *tls.Config
	// Reflection serves grpc.reflection v1 and v1alpha so grpcurl can list and describe.
	Reflection bool
	// ReflectionOptions, when set, replaces the default reflection (the services
	// registered on this server): the gateway uses it to describe the APIs it forwards.
	ReflectionOptions func(*grpc.Server) reflection.ServerOptions
	// MaxRecvMsgBytes caps request messages (default 4 MiB); larger ones get RESOURCE_EXHAUSTED.
	MaxRecvMsgBytes int
	// ShutdownGrace is how long NOT_SERVING is announced, with the listener still open and
	// calls still served, before draining starts: health watchers and balancers need a
	// moment to hear it before connections are refused. Zero means DefaultShutdownGrace;
	// a negative value means none.
	ShutdownGrace time.Duration
	// ShutdownTimeout bounds the graceful stop before in-flight calls are cut (default 10s).
	ShutdownTimeout time.Duration
	// Unary and Stream interceptors run after recovery and logging (authentication, audit).
	Unary  []grpc.UnaryServerInterceptor
	Stream []grpc.StreamServerInterceptor
	// HealthListen, when set, also serves grpc.health.v1 alone, in plaintext, on this
	// address: Kubernetes' native gRPC probes cannot speak TLS. It shares the health state,
	// so a shutdown shows on both.
	HealthListen string
	// DefaultDeadline bounds a unary call that carries no deadline of its own, so a call
	// cannot wait for ever on a store that hangs. Zero means DefaultCallDeadline; negative
	// means none. Streams (watches) are long-lived by design and get none.
	DefaultDeadline time.Duration
	// Ready, when set, is asked every ReadyInterval whether the process can do its work
	// (the store answers a ping); while it fails, health says NOT_SERVING, so balancers and
	// probes route around the process, and SERVING again once it succeeds.
	Ready func(context.Context) error
	// ReadyInterval is how often Ready is asked; zero means DefaultReadyInterval.
	ReadyInterval time.Duration
	// Options are extra server options, e.g. grpc.UnknownServiceHandler for the gateway.
	Options []grpc.ServerOption
	Logger  *slog.Logger
}

// DefaultShutdownGrace is the ShutdownGrace of a Config that sets none: long enough for
// a health watcher to hear NOT_SERVING before the listener closes (without it the two
// happen within a millisecond, and a watcher sees the port refuse first), short enough
// not to slow a restart. Behind a balancer that polls health, set it to a poll interval.
const DefaultShutdownGrace = 300 * time.Millisecond

// DefaultCallDeadline is the DefaultDeadline of a Config that sets none.
const DefaultCallDeadline = 30 * time.Second

// streamWorkers is how many goroutines serve calls, each reused from call to call: a call's
// interceptors, handler and the calls it makes need a deep stack, and a goroutine started
// per call grew and copied its stack on every call (a tenth of a busy process's CPU). 128
// covers the calls in flight of a busy process; beyond it a call gets a goroutine of its own.
const streamWorkers = 128

// DefaultReadyInterval is the ReadyInterval of a Config that sets none.
const DefaultReadyInterval = 2 * time.Second

// Server is a configured gRPC server with its health service.
type Server struct {
	GRPC   *grpc.Server
	Health *health.Server
	cfg    Config
	log    *slog.Logger
	drain  *drainer
}

// New builds the server; register the services on s.GRPC before Serve.
func New(cfg Config) *Server {
	if cfg.MaxRecvMsgBytes == 0 {
		cfg.MaxRecvMsgBytes = 4 << 20
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if cfg.DefaultDeadline == 0 {
		cfg.DefaultDeadline = DefaultCallDeadline
	}
	if cfg.ReadyInterval == 0 {
		cfg.ReadyInterval = DefaultReadyInterval
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	drain := newDrainer()
	opts := []grpc.ServerOption{
		grpc.StatsHandler(telemetry.ServerHandler()),
		grpc.ChainUnaryInterceptor(append([]grpc.UnaryServerInterceptor{
			recoverUnary(log), logUnary(log), defaultDeadline(cfg.DefaultDeadline)}, cfg.Unary...)...),
		grpc.ChainStreamInterceptor(append([]grpc.StreamServerInterceptor{
			recoverStream(log), logStream(log), drain.stream()}, cfg.Stream...)...),
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgBytes),
		grpc.NumStreamWorkers(streamWorkers),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: 30 * time.Second, Timeout: 10 * time.Second}),
	}
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg.TLS)))
	}
	opts = append(opts, cfg.Options...)
	s := &Server{GRPC: grpc.NewServer(opts...), Health: health.NewServer(), cfg: cfg, log: log, drain: drain}
	healthpb.RegisterHealthServer(s.GRPC, s.Health)
	return s
}

// ListenAndServe listens on cfg.Listen and serves until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	lis, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, lis)
}

// Serve marks every registered service SERVING and serves lis until ctx is done, then
// stops gracefully: health turns NOT_SERVING, calls are still served for ShutdownGrace,
// then streams end with UNAVAILABLE, new calls are refused, and unary calls in flight
// finish within ShutdownTimeout.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	if s.cfg.Reflection {
		o := reflection.ServerOptions{Services: s.GRPC}
		if s.cfg.ReflectionOptions != nil {
			o = s.cfg.ReflectionOptions(s.GRPC)
		}
		v1reflectiongrpc.RegisterServerReflectionServer(s.GRPC, reflection.NewServerV1(o))
		v1alphareflectiongrpc.RegisterServerReflectionServer(s.GRPC, reflection.NewServer(o))
	}
	for name := range s.GRPC.GetServiceInfo() {
		s.Health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
	s.Health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)

	errc := make(chan error, 2)
	if s.cfg.HealthListen != "" {
		hlis, err := net.Listen("tcp", s.cfg.HealthListen)
		if err != nil {
			return fmt.Errorf("listen %s: %w", s.cfg.HealthListen, err)
		}
		probe := grpc.NewServer()
		healthpb.RegisterHealthServer(probe, s.Health)
		go func() { _ = probe.Serve(hlis) }()
		defer probe.Stop()
	}
	go func() { errc <- s.GRPC.Serve(lis) }()
	s.log.Info("serving", "addr", lis.Addr().String(), "tls", s.cfg.TLS != nil)
	if s.cfg.Ready != nil {
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go s.watchReady(rctx)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.stop()
	if err := <-errc; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

func (s *Server) stop() {
	s.Health.Shutdown() // every service NOT_SERVING, so balancers stop sending first
	s.log.Info("shutting down", "grace", s.cfg.ShutdownGrace, "timeout", s.cfg.ShutdownTimeout)
	if s.cfg.ShutdownGrace > 0 {
		time.Sleep(s.cfg.ShutdownGrace)
	}
	s.drain.start() // streams end now, with UNAVAILABLE; unary calls finish below
	done := make(chan struct{})
	go func() { s.GRPC.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.cfg.ShutdownTimeout):
		s.log.Warn("graceful stop timed out; cutting remaining calls")
		s.GRPC.Stop()
		<-done
	}
}

// watchReady asks cfg.Ready every ReadyInterval and sets the health of the whole server
// (and of each service) to match, until ctx ends; Shutdown, at the stop, overrides it.
func (s *Server) watchReady(ctx context.Context) {
	t := time.NewTicker(s.cfg.ReadyInterval)
	defer t.Stop()
	serving := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, s.cfg.ReadyInterval)
		err := s.cfg.Ready(cctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if ok := err == nil; ok != serving {
			serving = ok
			st := healthpb.HealthCheckResponse_SERVING
			if !ok {
				st = healthpb.HealthCheckResponse_NOT_SERVING
				s.log.Warn("not ready: health NOT_SERVING", "error", err)
			} else {
				s.log.Info("ready again: health SERVING")
			}
			for name := range s.GRPC.GetServiceInfo() {
				s.Health.SetServingStatus(name, st)
			}
			s.Health.SetServingStatus("", st)
		}
	}
}
