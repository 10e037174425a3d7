package main

import (
	"context"
	"fmt"
	"net"

	"github.com/tansiq/tansiq/bench/internal/baseline"
	"github.com/tansiq/tansiq/platform/store/embedded"
)

// serveBaseline serves the bare gRPC baseline until interrupted.
func serveBaseline(ctx context.Context, args []string) error {
	fs := flagSet("serve-baseline")
	listen := fs.String("listen", "127.0.0.1:0", "address to serve on (loopback only)")
	reply := fs.Int("reply-bytes", 600, "payload bytes of every reply")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loopbackOnly(*listen); err != nil {
		return err
	}
	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	return baseline.Serve(ctx, lis, baseline.NewServer(*reply))
}

// serveStore serves an embedded FerretDB, as the local stack's store does, until interrupted.
func serveStore(ctx context.Context, args []string) error {
	fs := flagSet("serve-store")
	listen := fs.String("listen", "127.0.0.1:7117", "address to serve the MongoDB wire protocol on (loopback only)")
	dir := fs.String("data-dir", "", "directory for the SQLite files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("--data-dir is required")
	}
	if err := loopbackOnly(*listen); err != nil {
		return err
	}
	srv, err := embedded.Start(ctx, *dir, *listen)
	if err != nil {
		return err
	}
	<-ctx.Done()
	srv.Stop()
	return nil
}

// loopbackOnly refuses to serve anywhere but 127.0.0.1: benchmarks stay on this machine.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host != "127.0.0.1" {
		return fmt.Errorf("refusing to serve on %s: benchmarks use 127.0.0.1 only", addr)
	}
	return nil
}
