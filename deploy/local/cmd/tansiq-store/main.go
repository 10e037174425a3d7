// Command tansiq-store serves an embedded FerretDB (SQLite): the store process of the local
// stack, which every service of `make run` connects to with its own database. Running it
// apart from the services lets the fault tests kill and restart the store on its own, as a
// MongoDB server would go away and come back.
//
// It serves only on a Unix socket in its data directory, which only its own user can open:
// FerretDB 1.x has no authentication on SQLite, so a TCP port would let any local user (or
// anyone who reaches it) read and rewrite every record.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tansiq/tansiq/platform/store/embedded"
)

func main() {
	dataDir := flag.String("data-dir", ".data/store", "directory for the SQLite files and the socket (made 0700); kept across restarts")
	flag.Parse()
	if err := run(*dataDir); err != nil {
		fmt.Fprintf(os.Stderr, "tansiq-store: %v\n", err)
		os.Exit(1)
	}
}

func run(dataDir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("service", "store")

	srv, err := embedded.StartPrivate(ctx, dataDir)
	if err != nil {
		return err
	}
	log.Info("store serving", "uri", srv.URI(), "data_dir", dataDir)
	select {
	case <-ctx.Done():
	case <-srv.Done():
		return srv.Err() // FerretDB ended by itself: exit with its error, so the supervisor restarts
	}
	log.Info("store stopping")
	srv.Stop()
	return nil
}
