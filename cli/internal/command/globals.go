package command

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/dial"
	"github.com/tansiq/tansiq/platform/tlsconfig"
)

// DefaultAddr is the gateway of `make run`.
const DefaultAddr = "127.0.0.1:7000"

// globals are the flags every command takes, with environment fallbacks.
type globals struct {
	addr, token, ca string
	tls, utc        bool
	timeout         time.Duration
}

func newGlobals() *globals {
	g := &globals{addr: DefaultAddr, token: os.Getenv("TANSIQ_TOKEN"), timeout: 30 * time.Second}
	if v := os.Getenv("TANSIQ_ADDR"); v != "" {
		g.addr = v
	}
	g.ca = os.Getenv("TANSIQ_CA")
	if b, err := strconv.ParseBool(os.Getenv("TANSIQ_TLS")); err == nil {
		g.tls = b
	}
	return g
}

// register declares the global flags on fs, defaulting to what is already set, so they
// may come before the command or after it.
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.addr, "addr", g.addr, "gateway address (env TANSIQ_ADDR)")
	fs.StringVar(&g.token, "token", g.token, "bearer token (env TANSIQ_TOKEN); 'tansiq token' mints a development one")
	fs.BoolVar(&g.tls, "tls", g.tls, "connect over TLS, trusting the system's CAs (env TANSIQ_TLS)")
	fs.StringVar(&g.ca, "ca", g.ca, "connect over TLS trusting this CA bundle (PEM) (env TANSIQ_CA)")
	fs.DurationVar(&g.timeout, "timeout", g.timeout, "deadline of each call")
	fs.BoolVar(&g.utc, "utc", g.utc, "show times in UTC instead of Baghdad time (Asia/Baghdad, +03)")
}

// loc is the zone the tables show times in.
func (g *globals) loc() *time.Location {
	if g.utc {
		return time.UTC
	}
	return Baghdad
}

// dial connects to the gateway to call service. Its methods that the protos declare safe
// to retry are retried on UNAVAILABLE, and so are withRequestID: the writes this command
// always sends with a request id, which a retry cannot apply twice.
func (g *globals) dial(service grpc.ServiceDesc, withRequestID ...string) (*grpc.ClientConn, error) {
	cfg := dial.Config{DefaultTimeout: g.timeout, Retryable: append(dial.Retryable(service), withRequestID...)}
	if g.tls || g.ca != "" {
		t, err := tlsconfig.Client(tlsconfig.Files{CA: g.ca})
		if err != nil {
			return nil, err
		}
		cfg.TLS = t
	}
	if g.token != "" {
		// Plaintext is allowed for the token too: `make run` serves plaintext on loopback.
		cfg.Options = append(cfg.Options, grpc.WithPerRPCCredentials(auth.BearerCredentials(g.token, false)))
	}
	return dial.New(g.addr, cfg)
}

// usage prints the commands and global flags.
func usage(w io.Writer, top *flag.FlagSet) {
	fmt.Fprintln(w, "tansiq: the operator's command line for Tansiq, joint-operations coordination.")
	fmt.Fprintln(w, "\nusage: tansiq [global flags] COMMAND [flags]\n\ncommands:")
	paths := make([]string, 0, len(commands))
	for p := range commands {
		paths = append(paths, p)
	}
	for _, p := range sorted(paths) {
		fmt.Fprintf(w, "  %-22s %s\n", p, commands[p].summary)
	}
	fmt.Fprintln(w, "\nglobal flags (also accepted after the command):")
	top.SetOutput(w)
	top.PrintDefaults()
	top.SetOutput(io.Discard)
	fmt.Fprintln(w, "\nexit codes: 0 done, 1 refused or failed, 2 wrong usage, 3 import finished with failed rows.")
	fmt.Fprintln(w, "'tansiq COMMAND -h' shows a command's flags.")
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
