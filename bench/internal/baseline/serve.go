package baseline

import (
	"context"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// Serve serves a bare gRPC server with s on lis until ctx is done. It also serves the
// standard health service, so the benchmark waits for it as for every other process;
// health is not on the measured path.
func Serve(ctx context.Context, lis net.Listener, s *Server) error {
	gs := grpc.NewServer()
	s.Register(gs)
	healthpb.RegisterHealthServer(gs, health.NewServer())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		gs.Stop()
	}()
	err := gs.Serve(lis)
	if ctx.Err() != nil {
		<-stopped
		return nil
	}
	return err
}
