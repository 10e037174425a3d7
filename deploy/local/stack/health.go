package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// pollInterval is how often a health check is repeated while waiting.
const pollInterval = 100 * time.Millisecond

// WaitHealthy waits until the named process serves: for the store, until its socket
// accepts connections; for the others, until grpc.health.v1 Check reports SERVING for the whole
// server. It gives up when ctx ends, with the last reason and the end of the process's log.
func (s *Stack) WaitHealthy(ctx context.Context, name string) error {
	p, err := s.proc(name)
	if err != nil {
		return err
	}
	check := s.socketCheck
	if name != Store {
		c, done, err := s.grpcCheck(name, p.addr)
		if err != nil {
			return err
		}
		defer done()
		check = c
	}
	for {
		last := check(ctx, p.addr)
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			msg := fmt.Sprintf("stack: %s at %s is not healthy: %v", name, p.addr, last)
			if t := tail(p.log.Name(), 15); t != "" {
				msg += "\nlast lines of " + p.log.Name() + ":\n" + t
			}
			return errors.New(msg)
		case <-time.After(pollInterval):
		}
	}
}

func (s *Stack) socketCheck(ctx context.Context, path string) error {
	var d net.Dialer
	cctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	conn, err := d.DialContext(cctx, "unix", path)
	if err != nil {
		return err
	}
	return conn.Close()
}

// grpcCheck returns a health check of the service at addr over one connection, and the
// function that closes it.
func (s *Stack) grpcCheck(name, addr string) (func(context.Context, string) error, func(), error) {
	creds := insecure.NewCredentials()
	tc, err := s.sec.clientTLS(name)
	if err != nil {
		return nil, nil, err
	}
	if tc != nil {
		creds = credentials.NewTLS(tc)
	}
	// gRPC's default reconnect backoff grows to two minutes; a process that comes up
	// after a few refused connections must be seen within a poll or two.
	bo := backoff.DefaultConfig
	bo.BaseDelay = 100 * time.Millisecond
	bo.MaxDelay = 500 * time.Millisecond
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds),
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: bo, MinConnectTimeout: time.Second}))
	if err != nil {
		return nil, nil, fmt.Errorf("stack: health client for %s: %w", name, err)
	}
	client := healthpb.NewHealthClient(conn)
	check := func(ctx context.Context, _ string) error {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		resp, err := client.Check(cctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if st := resp.GetStatus(); st != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("health status %s", st)
		}
		return nil
	}
	return check, func() { _ = conn.Close() }, nil
}
