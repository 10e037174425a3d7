package webserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"connectrpc.com/vanguard"
	"google.golang.org/grpc"
)

// Config says what the web address serves.
type Config struct {
	// GRPC is the gateway's gRPC server: API calls are handed to it as gRPC.
	GRPC *grpc.Server
	// Services are the fully qualified names of the services to expose: the gateway's
	// own and the ones it forwards.
	Services []string
	// Assets is the app: index.html and what it loads.
	Assets fs.FS
	// DevIdentitiesFile, when set, is a JSON file of development identities and their
	// tokens that the local stack wrote; it is served at /dev/identities. Never set it in
	// production: anyone who reaches the address could sign in as those identities.
	DevIdentitiesFile string
	// MaxMessageBytes bounds a message the transcoder buffers (the gRPC server's own
	// limit applies after it).
	MaxMessageBytes uint32
}

// DevIdentitiesPath is where the development identities are listed.
const DevIdentitiesPath = "/dev/identities"

// Handler returns the web address's handler.
func Handler(cfg Config) (http.Handler, error) {
	if cfg.MaxMessageBytes == 0 {
		cfg.MaxMessageBytes = 4 << 20
	}
	var services []*vanguard.Service
	for _, name := range cfg.Services {
		services = append(services, vanguard.NewService(name, cfg.GRPC))
	}
	api, err := vanguard.NewTranscoder(services, vanguard.WithDefaultServiceOptions(
		vanguard.WithTargetProtocols(vanguard.ProtocolGRPC),
		vanguard.WithTargetCodecs(vanguard.CodecProto),
		vanguard.WithMaxMessageBufferBytes(cfg.MaxMessageBytes),
	))
	if err != nil {
		return nil, fmt.Errorf("webserver: %w", err)
	}
	mux := http.NewServeMux()
	for _, name := range cfg.Services {
		mux.Handle("/"+name+"/", api)
	}
	mux.Handle(DevIdentitiesPath, devIdentities(cfg.DevIdentitiesFile))
	mux.Handle("/", assets(cfg.Assets))
	return secure(mux), nil
}

// secure adds the headers that keep the app to its own origin: nothing is loaded from or
// sent to anywhere else, and no other site may frame it.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// assets serves the app's files; they change only with the binary, but a browser must
// see a new binary's files at once, so it revalidates every time.
func assets(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		fileServer.ServeHTTP(w, r)
	})
}

// devIdentities serves the local stack's development identities, read at each request
// (the stack rewrites the file when it starts), or 404 when there are none.
func devIdentities(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path == "" {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(path)
		if err != nil {
			http.Error(w, "development identities unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(b)
	})
}

// Serve serves h on lis (over TLS when tlsConfig is set) until ctx ends, then stops
// accepting and waits up to grace for calls in flight; the gRPC server's own shutdown
// ends the streams.
func Serve(ctx context.Context, lis net.Listener, h http.Handler, tlsConfig *tls.Config, grace time.Duration, log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
		srv.TLSConfig = tlsConfig.Clone()
		srv.TLSConfig.NextProtos = []string{"h2", "http/1.1"}
		go func() { errc <- srv.ServeTLS(lis, "", "") }() // the certificate is in TLSConfig
	} else {
		go func() { errc <- srv.Serve(lis) }()
	}
	log.Info("serving the web app", "url", scheme+"://"+lis.Addr().String()+"/")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Start listens on addr at once, so that a taken port fails the gateway's start, and
// serves h there in the background until ctx ends.
func Start(ctx context.Context, addr string, h http.Handler, tlsConfig *tls.Config, grace time.Duration, log *slog.Logger) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("web listen %s: %w", addr, err)
	}
	go func() {
		if err := Serve(ctx, lis, h, tlsConfig, grace, log); err != nil {
			log.Error("web server stopped", "err", err)
		}
	}()
	return nil
}
