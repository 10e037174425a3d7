package proc

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// pollEvery is how often a readiness check is repeated.
const pollEvery = 20 * time.Millisecond

// WaitHealthy returns when the gRPC server at addr reports SERVING for the whole server,
// or an error when it has not within timeout or p has exited.
func WaitHealthy(ctx context.Context, p *Process, timeout time.Duration) error {
	conn, err := grpc.NewClient(p.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	return poll(ctx, p, timeout, func(ctx context.Context) error {
		resp, err := client.Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("status %v", resp.GetStatus())
		}
		return nil
	})
}

// WaitMongo returns when the MongoDB-wire server p at uri answers a ping.
func WaitMongo(ctx context.Context, p *Process, uri string, timeout time.Duration) error {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(time.Second))
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	return poll(ctx, p, timeout, func(ctx context.Context) error { return client.Ping(ctx, nil) })
}

// poll calls check until it succeeds, p exits, or timeout passes.
func poll(ctx context.Context, p *Process, timeout time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for ctx.Err() == nil {
		if p.Exited() {
			return fmt.Errorf("%s exited: %v\n%s", p.Name, p.Err(), p.Tail(2000))
		}
		cctx, ccancel := context.WithTimeout(ctx, time.Second)
		last = check(cctx)
		ccancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
		case <-time.After(pollEvery):
		}
	}
	return fmt.Errorf("%s not ready within %v: %v\n%s", p.Name, timeout, last, p.Tail(2000))
}
