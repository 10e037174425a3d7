// Package embedded runs FerretDB (SQLite backend) inside the process: a real
// MongoDB-wire server, so a service, the local stack and the tests need no MongoDB
// installed. Production points MONGODB_URI at MongoDB instead.
package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running embedded FerretDB.
type Server struct {
	uri  string
	done chan struct{}
	stop context.CancelFunc
}

// Start serves FerretDB on listen (e.g. "127.0.0.1:0") with its SQLite files under dir,
// until ctx is done or Stop is called.
func Start(ctx context.Context, dir, listen string) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("embedded store dir: %w", err)
	}
	// FerretDB logs every error reply at Warn (a duplicate key is one): keep Error only.
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Server{uri: f.MongoDBURI(), done: make(chan struct{}), stop: cancel}
	go func() {
		defer close(s.done)
		_ = f.Run(ctx)
	}()
	return s, nil
}

// URI is the mongodb:// address clients connect to.
func (s *Server) URI() string { return s.uri }

// Stop shuts the server down and waits for it.
func (s *Server) Stop() {
	s.stop()
	<-s.done
}
