// Package app is the common main of every Tansiq deployable: it reads the shared flags
// (with TANSIQ_* / MONGODB_URI environment fallbacks), sets up logs and traces, opens the
// service's store, builds the gRPC server with its plumbing, lets the service register
// itself, and serves until SIGINT or SIGTERM.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/audit"
	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/requestid"
	"github.com/tansiq/tansiq/platform/server"
	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/telemetry"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
)

// Options describe one deployable.
type Options struct {
	// Name is the service name: "incident", "forces", "meeting", "gateway".
	Name string
	// DefaultListen is the address used when neither --listen nor TANSIQ_LISTEN is set.
	DefaultListen string
	// Flags declares the deployable's own flags before parsing.
	Flags func(fs *flag.FlagSet)
	// Configure adjusts the server configuration before the server is built (the gateway
	// installs its forwarding there); rt has no Server yet.
	Configure func(ctx context.Context, rt *Runtime, cfg *server.Config) error
	// AuditSources, when set, names the other servers whose audit trails this server's
	// AuditService lists together with its own (the gateway's: one trail for the system).
	AuditSources func(rt *Runtime) ([]audit.Source, error)
}

// Runtime is what a deployable gets to wire itself: its server, its database and logger.
type Runtime struct {
	Server *server.Server
	DB     *store.DB
	Log    *slog.Logger
	// Seed is set when the deployable should load its seed scenario (idempotently).
	Seed bool
	// PageTokenSecret keys page tokens; every replica shares it.
	PageTokenSecret string
	sec             *security

	// What the deployable started, ended by stop before the store closes.
	cancel context.CancelFunc
	tasks  sync.WaitGroup
	mu     sync.Mutex
	conns  []*grpc.ClientConn
}

// Go runs task in the background until the process stops: task must return once ctx (the
// one wire got) ends; the store is closed only after it has.
func (rt *Runtime) Go(task func()) {
	rt.tasks.Go(task)
}

// Dial opens a client connection to another service with this process's client TLS,
// telemetry and the caller's token forwarded; retryable names the methods (or services)
// safe to retry on UNAVAILABLE.
func (rt *Runtime) Dial(target string, retryable ...string) (*grpc.ClientConn, error) {
	return rt.keep(rt.sec.dial(target, retryable...))
}

// DialService opens a client connection for calls this process makes on its own behalf,
// authenticated with its own service token (--service-token-file) or mTLS certificate.
func (rt *Runtime) DialService(target string, retryable ...string) (*grpc.ClientConn, error) {
	return rt.keep(rt.sec.dialService(target, retryable...))
}

// keep records a connection Dial opened, for stop to close.
func (rt *Runtime) keep(conn *grpc.ClientConn, err error) (*grpc.ClientConn, error) {
	if err != nil {
		return nil, err
	}
	rt.mu.Lock()
	rt.conns = append(rt.conns, conn)
	rt.mu.Unlock()
	return conn, nil
}

// stop ends what the deployable started, once the server has stopped: it cancels wire's
// context, waits for the tasks started with Go, then closes the connections Dial opened.
func (rt *Runtime) stop() {
	rt.cancel()
	rt.tasks.Wait()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, c := range rt.conns {
		_ = c.Close()
	}
	rt.conns = nil
}

// Main runs the deployable and exits the process when it stops.
func Main(o Options, wire func(ctx context.Context, rt *Runtime) error) {
	if err := Run(context.Background(), os.Args[1:], o, wire); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", o.Name, err)
		os.Exit(1)
	}
}

// Run is Main without the exit, for tests.
func Run(ctx context.Context, args []string, o Options, wire func(ctx context.Context, rt *Runtime) error) error {
	floor := tuneGC(os.Getenv)
	fs := flag.NewFlagSet(o.Name, flag.ContinueOnError)
	listen := config.String(fs, "listen", "TANSIQ_LISTEN", o.DefaultListen, "address to serve gRPC on")
	mongoURI := config.String(fs, "mongo-uri", "MONGODB_URI", "", "MongoDB URI; empty starts an embedded FerretDB under --data-dir")
	dataDir := config.String(fs, "data-dir", "TANSIQ_DATA_DIR", filepath.Join(".data", o.Name), "directory for the embedded store")
	database := config.String(fs, "database", "TANSIQ_DATABASE", "tansiq_"+o.Name, "database name")
	reflect := config.Bool(fs, "reflection", "TANSIQ_REFLECTION", true, "serve gRPC reflection")
	seed := config.Bool(fs, "seed", "TANSIQ_SEED", false, "load the seed scenario on start (idempotent)")
	pageSecret := config.String(fs, "page-token-secret", "TANSIQ_PAGE_TOKEN_SECRET", "tansiq-dev-page-tokens", "secret sealing page tokens")
	logLevel := config.String(fs, "log-level", "TANSIQ_LOG_LEVEL", "info", "debug, info, warn or error")
	shutdown := config.Duration(fs, "shutdown-timeout", "TANSIQ_SHUTDOWN_TIMEOUT", 10*time.Second, "graceful stop limit")
	callDeadline := config.Duration(fs, "default-deadline", "TANSIQ_DEFAULT_DEADLINE", server.DefaultCallDeadline, "deadline given to a unary call that carries none (negative: none)")
	healthListen := config.String(fs, "health-listen", "TANSIQ_HEALTH_LISTEN", "", "also serve plaintext gRPC health here (for probes when the main port is TLS)")
	maxRecv := config.Int(fs, "max-recv-bytes", "TANSIQ_MAX_RECV_BYTES", 4<<20, "largest request message accepted")
	logKeep := config.Int(fs, "store-log-keep", "TANSIQ_STORE_LOG_KEEP", 10000, "change-log entries kept at least, per collection (older watch positions must list again)")
	logKeepFor := config.Duration(fs, "store-log-keep-for", "TANSIQ_STORE_LOG_KEEP_FOR", time.Hour, "change-log entries younger than this are kept")
	sec := securityFlags(fs)
	metrics := metricsFlags(fs)
	if o.Flags != nil {
		o.Flags(fs)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log, flushLog := telemetry.NewLogger(os.Stderr, o.Name, level)
	defer flushLog() // the last lines gathered, once everything else has stopped
	slog.SetDefault(log)
	if floor {
		log.Debug("garbage collector: heap goal at least HeapFloor, up to HeapRoom times the live heap within HeapBudget (GOGC unset)",
			"heap_floor_bytes", HeapFloor, "heap_room", HeapRoom, "heap_budget_bytes", HeapBudget)
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	stopTracing, err := telemetry.Setup(ctx, "tansiq-"+o.Name)
	if err != nil {
		return err
	}
	defer func() { _ = stopTracing(context.Background()) }()
	stopMetrics, err := metrics.start(ctx, o.Name, log)
	if err != nil {
		return err
	}
	defer func() { _ = stopMetrics(context.Background()) }()

	store.SetDefaults(store.Timing{Keep: *logKeep, KeepFor: *logKeepFor})
	db, err := store.Open(ctx, store.Options{URI: *mongoURI, DataDir: *dataDir, Database: *database})
	if err != nil {
		return err
	}
	// Closed last, once the server has stopped and what the deployable started has ended:
	// the collections write what their materialisers gathered and a snapshot where one is
	// due, then the store disconnects; within the stop limit again, so a store that is
	// away does not hold the process.
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), *shutdown)
		defer cancel()
		_ = db.Close(ctx)
	}()

	cfg := server.Config{
		Name: o.Name, Listen: *listen, Reflection: *reflect, Logger: log,
		ShutdownTimeout: *shutdown, MaxRecvMsgBytes: *maxRecv, HealthListen: *healthListen,
		DefaultDeadline: *callDeadline,
		// Health follows the store: a process that cannot reach it can do nothing useful.
		Ready: func(ctx context.Context) error { return db.Ready(ctx, server.DefaultReadyInterval) },
	}
	// The audit trail wraps authentication, so refused calls are recorded too.
	recorder, err := audit.NewRecorder(ctx, db.Database, o.Name, log)
	if err != nil {
		return err
	}
	cfg.Unary = append(cfg.Unary, recorder.Unary())
	cfg.Stream = append(cfg.Stream, recorder.Stream())
	if err := sec.apply(&cfg, log); err != nil {
		return err
	}
	cfg.Unary = append(cfg.Unary, audit.Capture(), requestid.Unary())
	cfg.Stream = append(cfg.Stream, audit.CaptureStream())
	// Deferred after the store's close, so it runs first: the tasks reading the store end,
	// and the connections close, before the store does.
	ctx, cancel := context.WithCancel(ctx)
	rt := &Runtime{DB: db, Log: log, Seed: *seed, PageTokenSecret: *pageSecret, sec: sec, cancel: cancel}
	defer rt.stop()
	if o.Configure != nil {
		if err := o.Configure(ctx, rt, &cfg); err != nil {
			return err
		}
	}
	rt.Server = server.New(cfg)
	srv := rt.Server
	tokens := pagetoken.New(*pageSecret)
	var trail auditv1.AuditServiceServer = audit.NewService(recorder, tokens)
	if o.AuditSources != nil {
		others, err := o.AuditSources(rt)
		if err != nil {
			return err
		}
		trail = audit.NewMerged(o.Name, audit.NewService(recorder, tokens), others, tokens)
	}
	auditv1.RegisterAuditServiceServer(srv.GRPC, trail)
	if err := wire(ctx, rt); err != nil {
		return err
	}
	err = srv.ListenAndServe(ctx)
	if errors.Is(err, grpc.ErrServerStopped) {
		return nil
	}
	return err
}
