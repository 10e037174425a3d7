package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"

	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// Server serves the hub's picture to TAK clients.
type Server struct {
	hub *hub.Hub
	cfg Config
	log *slog.Logger

	// Stats counts what clients sent and what was done with it.
	Stats Stats

	mu     sync.Mutex
	active int
}

// New returns a server of h's picture.
func New(h *hub.Hub, cfg Config, log *slog.Logger) *Server {
	return &Server{hub: h, cfg: cfg.withDefaults(), log: log}
}

// Serve accepts clients on lis until ctx ends, then closes every connection it accepted
// and returns once they are gone. With tc set, clients connect over TLS (with client
// certificates when tc asks for them).
func (s *Server) Serve(ctx context.Context, lis net.Listener, tc *tls.Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	go func() {
		<-ctx.Done()
		_ = lis.Close()
	}()
	for {
		conn, err := lis.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.Stats.Connections.Add(1)
		if !s.admit() {
			s.Stats.Refused.Add(1)
			_ = conn.Close()
			continue
		}
		if tc != nil {
			conn = tls.Server(conn, tc)
		}
		wg.Go(func() {
			defer s.leave()
			s.serveConn(ctx, conn)
		})
	}
}

func (s *Server) admit() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active >= s.cfg.MaxClients {
		return false
	}
	s.active++
	return true
}

func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
}
