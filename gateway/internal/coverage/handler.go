package coverage

import (
	"log/slog"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/gateway/internal/changes"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/limits"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// Watchers' limits: a watcher whose backlog of DefaultWatchBuffer changes stays full for
// DefaultWatchPatience is dropped with RESOURCE_EXHAUSTED.
const (
	DefaultWatchBuffer   = 256
	DefaultWatchPatience = 5 * time.Second
)

// Config is what the handler works with. Meetings is nil when no meeting service is
// configured: pictures then come without action items.
type Config struct {
	Catalog     *zones.Catalog
	Placer      *placement.Placer
	Deployments *deployments.Store
	Changes     *changes.Log
	Meetings    meetingv1.MeetingServiceClient
	// Areas lists the units' areas of responsibility; nil when no forces service is
	// configured: the vacuum then subtracts only deployments.
	Areas  AreaLister
	Tokens *pagetoken.Codec
	Log    *slog.Logger
	// WatchBuffer bounds each watcher's backlog (DefaultWatchBuffer when 0), and
	// WatchPatience is how long a full backlog may stay full before the watcher is
	// dropped (DefaultWatchPatience when 0): long enough for a burst, short enough that a
	// client that stopped reading does not hold the server's memory.
	WatchBuffer   int
	WatchPatience time.Duration
}

// Handler implements CoverageService.
type Handler struct {
	gatewayv1.UnimplementedCoverageServiceServer
	cfg Config
	now func() time.Time
}

// New returns the handler.
func New(cfg Config) *Handler {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.WatchBuffer <= 0 {
		cfg.WatchBuffer = DefaultWatchBuffer
	}
	if cfg.WatchPatience <= 0 {
		cfg.WatchPatience = DefaultWatchPatience
	}
	return &Handler{cfg: cfg, now: time.Now}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) { gatewayv1.RegisterCoverageServiceServer(s, h) }

// toStatus maps any error to a gRPC status in the gateway's error domain.
func toStatus(err error) error { return apperr.ToStatus(err, limits.ErrorDomain) }
