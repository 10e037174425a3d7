// Command tansiq-store serves an embedded FerretDB (SQLite) on one TCP address: the store
// process of the local stack, which every service of `make run` connects to with its own
// database. Running it apart from the services lets the fault tests kill and restart the
// store on its own, as a MongoDB server would go away and come back.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/tansiq/tansiq/platform/store/embedded"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:7017", "address to serve the MongoDB wire protocol on (7017, not 27017, to leave a real MongoDB alone)")
	dataDir := flag.String("data-dir", ".data/store", "directory for the SQLite files; kept across restarts")
	flag.Parse()
	if err := run(*listen, *dataDir); err != nil {
		fmt.Fprintf(os.Stderr, "tansiq-store: %v\n", err)
		os.Exit(1)
	}
}

func run(listen, dataDir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("service", "store")

	// embedded.Start listens in the background and does not report a failure to bind, so
	// check first that the port is free: otherwise the stack would take another program
	// on the port for its store.
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("cannot serve on %s: %w", listen, err)
	}
	_ = l.Close()

	srv, err := embedded.Start(ctx, dataDir, listen)
	if err != nil {
		return err
	}
	log.Info("store serving", "uri", srv.URI(), "data_dir", dataDir)
	<-ctx.Done()
	log.Info("store stopping")
	srv.Stop()
	return nil
}
