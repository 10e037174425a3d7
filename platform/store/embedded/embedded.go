// Package embedded runs FerretDB (SQLite backend) inside the process: a real
// MongoDB-wire server, so a service, the local stack and the tests need no MongoDB
// installed. Production points MONGODB_URI at MongoDB instead.
//
// FerretDB 1.x has no authentication on its SQLite backend (its SCRAM support is
// experimental and not offered by the embedded package), so whoever can connect can read,
// change and delete everything. StartPrivate therefore serves only on a Unix socket in a
// directory only the running user can open: no other user of the machine, and nothing on
// the network, reaches the store. Start (TCP) is for tests and benchmarks on loopback.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running embedded FerretDB.
type Server struct {
	uri  string
	done chan struct{}
	stop context.CancelFunc
	err  error // why FerretDB ended by itself; set before done closes
}

// socketName is the Unix socket's file name in the store's directory; FerretDB ignores
// every file there but *.sqlite.
const socketName = "mongodb.sock"

// maxSocketPath is the longest Unix socket path Linux accepts (sun_path less its NUL).
const maxSocketPath = 107

// SocketPath is the Unix socket StartPrivate serves on for the store under dir.
func SocketPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	p := filepath.Join(abs, socketName)
	if len(p) > maxSocketPath {
		return "", fmt.Errorf("embedded store: socket path %s is longer than %d bytes: use a shorter data directory", p, maxSocketPath)
	}
	return p, nil
}

// SocketURI is the mongodb:// URI of the Unix socket at path (the driver wants the path
// percent-encoded, slashes included, in the host part).
func SocketURI(path string) string {
	return "mongodb://" + strings.ReplaceAll(url.PathEscape(path), "/", "%2F") + "/"
}

// Start serves FerretDB on the TCP address listen (e.g. "127.0.0.1:0") with its SQLite
// files under dir, until ctx is done or Stop is called. Anyone who can reach listen can use
// the store: for tests and benchmarks only.
func Start(ctx context.Context, dir, listen string) (*Server, error) {
	abs, err := privateDir(dir)
	if err != nil {
		return nil, err
	}
	return start(ctx, abs, ferretdb.ListenerConfig{TCP: listen}, "")
}

// StartPrivate serves FerretDB with its SQLite files under dir, only on the Unix socket
// SocketPath(dir), until ctx is done or Stop is called. dir is made 0700, so only this
// user's processes can open the socket (or the files). A stale socket left by a killed
// server is replaced; one that still answers is an error.
func StartPrivate(ctx context.Context, dir string) (*Server, error) {
	abs, err := privateDir(dir)
	if err != nil {
		return nil, err
	}
	sock, err := SocketPath(abs)
	if err != nil {
		return nil, err
	}
	if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
		_ = c.Close()
		return nil, fmt.Errorf("embedded store: %s is already served by another process", sock)
	}
	if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("embedded store: stale socket: %w", err)
	}
	return start(ctx, abs, ferretdb.ListenerConfig{Unix: sock}, SocketURI(sock))
}

// privateDir makes dir (absolute) readable by this user only, also when an earlier
// version created it open to all.
func privateDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("embedded store dir: %w", err)
	}
	if err := os.Chmod(abs, 0o700); err != nil {
		return "", fmt.Errorf("embedded store dir: %w", err)
	}
	return abs, nil
}

func start(ctx context.Context, abs string, l ferretdb.ListenerConfig, uri string) (*Server, error) {
	// FerretDB logs every error reply at Warn (a duplicate key is one): keep Error only.
	logger := newLogger(os.Stderr)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  l,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	// Index the collections already stored before anyone can read them; new ones as they come.
	ix := newIDIndexer(abs, logger)
	if err := ix.pass(ctx); err != nil {
		return nil, fmt.Errorf("embedded store: index _id: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Server{uri: uri, done: make(chan struct{}), stop: cancel}
	go s.serve(ctx, func(ctx context.Context) error {
		ictx, stopIndexing := context.WithCancel(ctx)
		indexed := make(chan struct{})
		go func() { defer close(indexed); ix.run(ictx) }()
		err := f.Run(ctx)
		stopIndexing()
		<-indexed
		return err
	})
	if s.uri == "" {
		s.uri = f.MongoDBURI()
	}
	return s, nil
}

// serve runs FerretDB until ctx is done, and keeps why it ended if it ended by itself.
func (s *Server) serve(ctx context.Context, run func(context.Context) error) {
	defer close(s.done)
	if err := run(ctx); ctx.Err() == nil {
		if err == nil {
			err = errors.New("stopped by itself")
		}
		s.err = fmt.Errorf("embedded store: FerretDB exited: %w", err)
	}
}

// URI is the mongodb:// address clients connect to.
func (s *Server) URI() string { return s.uri }

// Done is closed once the server has ended, by Stop or by itself.
func (s *Server) Done() <-chan struct{} { return s.done }

// Err says why the server ended by itself (FerretDB's error); it is nil while the server
// runs and after Stop.
func (s *Server) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Stop shuts the server down and waits for it.
func (s *Server) Stop() {
	s.stop()
	<-s.done
}
