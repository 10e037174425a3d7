package limits

import (
	"flag"
	"time"

	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/server"
)

// Defaults of the flags: generous for a person or a program, tight enough that one
// caller cannot hold a large share of the gateway's connections to the services.
const (
	DefaultMaxInflight = 64
	DefaultMaxStreams  = 8
	DefaultRetryAfter  = time.Second
)

// Config sets the per-caller caps. A cap of zero or less means no cap.
type Config struct {
	// MaxInflight is how many unary calls one caller may have in flight at once.
	MaxInflight int
	// MaxStreams is how many streaming calls (watches) one caller may hold open at once.
	MaxStreams int
	// RetryAfter is the delay the refusal's google.rpc.RetryInfo suggests; zero means
	// DefaultRetryAfter.
	RetryAfter time.Duration
}

// Settings are the limits as the command line and environment give them.
type Settings struct {
	maxInflight, maxStreams *int
}

// Flags declares --max-inflight-per-caller and --max-streams-per-caller (environment
// TANSIQ_MAX_INFLIGHT_PER_CALLER and TANSIQ_MAX_STREAMS_PER_CALLER) on fs.
func Flags(fs *flag.FlagSet) *Settings {
	return &Settings{
		maxInflight: config.Int(fs, "max-inflight-per-caller", "TANSIQ_MAX_INFLIGHT_PER_CALLER", DefaultMaxInflight,
			"unary calls one caller may have in flight at the gateway; more are RESOURCE_EXHAUSTED (0: no limit)"),
		maxStreams: config.Int(fs, "max-streams-per-caller", "TANSIQ_MAX_STREAMS_PER_CALLER", DefaultMaxStreams,
			"streams (watches) one caller may hold open at the gateway; more are RESOURCE_EXHAUSTED (0: no limit)"),
	}
}

// Config returns the parsed settings; call it after the flag set is parsed.
func (s *Settings) Config() Config {
	return Config{MaxInflight: *s.maxInflight, MaxStreams: *s.maxStreams, RetryAfter: DefaultRetryAfter}
}

// Install adds a limiter with the parsed settings to the server's interceptors. They run
// in the order of cfg.Unary and cfg.Stream, after the platform's own, authentication
// among them (platform/app adds those before its Configure hook runs), so the limiter
// sees who is calling.
func (s *Settings) Install(cfg *server.Config) {
	l := New(s.Config())
	cfg.Unary = append(cfg.Unary, l.Unary())
	cfg.Stream = append(cfg.Stream, l.Stream())
}
