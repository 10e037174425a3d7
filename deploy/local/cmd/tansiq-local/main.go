// Command tansiq-local is `make run`: it starts the whole Tansiq system on this machine,
// each deployable as its own supervised process on the embedded store, prints the
// addresses, a grpcurl example and development tokens, and stops everything cleanly on
// Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tansiq/tansiq/deploy/local/stack"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "tansiq-local: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("tansiq-local", flag.ContinueOnError)
	cfg := stack.Config{Ports: map[string]int{}}
	fs.StringVar(&cfg.BinDir, "bin-dir", "bin", "directory of the built binaries (make build)")
	fs.StringVar(&cfg.DataDir, "data-dir", ".data", "directory for the store, logs, keys and certificates; kept across runs")
	fs.BoolVar(&cfg.Seed, "seed", true, "load the seed scenario on start (idempotent)")
	fs.BoolVar(&cfg.TLS, "tls", false, "serve TLS with development certificates made under <data-dir>/tls: the gateway with a server certificate, the services behind it with mutual TLS")
	fs.BoolVar(&cfg.InsecureNoAuth, "insecure-no-auth", false, "run without authentication (no tokens needed)")
	fs.StringVar(&cfg.MongoURI, "mongo-uri", "", "use this MongoDB instead of starting the embedded store")
	fs.BoolVar(&cfg.Verbose, "verbose", false, "copy every process's output to the console, each line prefixed with its name")
	fs.DurationVar(&cfg.DevTokenTTL, "token-ttl", 24*time.Hour, "lifetime of the development tokens printed and offered by the web app's development sign-in")
	ports := map[string]*int{}
	for _, name := range stack.PortNames() {
		ports[name] = fs.Int(name+"-port", stack.DefaultPort(name), "loopback port for "+name)
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	for name, p := range ports {
		cfg.Ports[name] = *p
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := stack.Up(ctx, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted while starting; everything started is stopped")
		}
		return err
	}
	defer s.Close() // also on a panic: nothing outlives tansiq-local

	printSummary(os.Stdout, s, cfg)
	if err := printTokens(os.Stdout, s, cfg.DataDir, cfg.DevTokenTTL); err != nil {
		return err
	}
	fmt.Println("Press Ctrl-C to stop.")

	<-ctx.Done()
	// A second Ctrl-C now ends tansiq-local at once; the kernel then kills the processes.
	stop()
	fmt.Fprintln(os.Stderr, "\nstopping (Ctrl-C again to kill)...")
	_ = s.Close()
	fmt.Fprintln(os.Stderr, "stopped")
	return nil
}
