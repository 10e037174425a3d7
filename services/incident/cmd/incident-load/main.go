// Command incident-load stores an archive of incidents in the incident service's database
// through the service's own write path, without the network: each line of the input is a
// CreateIncidentRequest in protojson, checked as CreateIncident checks it (validation,
// authorization as the person named by --as, request ids) and stored by the service's
// store, a batch of requests per commit of the change log (platform/store CreateMany).
// It is for loading large archives (make bench loads its 100,000 incidents with it) where
// a call per incident through the public API would take too long.
//
// It needs the store's address (--mongo-uri) and so the store's full access: it is an
// operator's tool, not a way around authentication. Running services on the same store
// see the loaded incidents through their followers, as any other replica's writes.
// Requests carry request ids, so loading the same file again stores nothing twice.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/pagetoken"
	"github.com/tansiq/tansiq/platform/store"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	"github.com/tansiq/tansiq/services/incident/internal/handler"
	incidentstore "github.com/tansiq/tansiq/services/incident/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "incident-load: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("incident-load", flag.ContinueOnError)
	uri := fs.String("mongo-uri", "", "the store's MongoDB URI (required)")
	database := fs.String("database", "tansiq_incident", "the incident service's database")
	as := fs.String("as", "", "the person the incidents are reported by, forces/{force}/people/{person} (required): an operator of their force")
	batch := fs.Int("batch", 500, "incidents per commit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *uri == "" || *as == "" || fs.NArg() != 1 || *batch < 1 {
		return errors.New("usage: incident-load --mongo-uri URI --as forces/{force}/people/{person} [--batch N] FILE.jsonl (- for stdin)")
	}
	id, err := operator(*as)
	if err != nil {
		return err
	}
	in := os.Stdin
	if name := fs.Arg(0); name != "-" {
		if in, err = os.Open(name); err != nil {
			return err
		}
		defer in.Close()
	}
	db, err := store.Open(ctx, store.Options{URI: *uri, Database: *database})
	if err != nil {
		return err
	}
	// Closing the store closes the collection first: the last batches are materialised
	// and a snapshot is left, so the servers' next start does not read them back.
	defer func() { _ = db.Close(context.Background()) }()
	incidents, err := incidentstore.New(ctx, db.Database)
	if err != nil {
		return err
	}
	if err := incidents.Load(ctx); err != nil {
		return err
	}
	// Page tokens are never issued here: any secret will do.
	h := handler.New(incidents, pagetoken.New("incident-load"))
	return load(auth.WithIdentity(ctx, id), h, incidents, in, *batch, out)
}

// operator is the identity of an operator of the force subject belongs to.
func operator(subject string) (auth.Identity, error) {
	parts := strings.Split(subject, "/")
	if len(parts) != 4 || parts[0] != "forces" || parts[2] != "people" || parts[1] == "" || parts[3] == "" {
		return auth.Identity{}, fmt.Errorf("--as %q is not forces/{force}/people/{person}", subject)
	}
	return auth.Identity{Subject: subject, Force: "forces/" + parts[1], Role: auth.RoleOperator}, nil
}

// batchStore stores load's batches: the incident service's store.
type batchStore interface {
	CreateMany(ctx context.Context, docs []*incidentstore.Doc) (int, error)
}

// batchTries is how many times a batch is tried while the store answers UNAVAILABLE (a
// commit that timed out on a busy store): request ids make a retry store nothing twice.
const batchTries = 5

// batchRetryWait is the wait before the first retry, doubled before each next one.
var batchRetryWait = time.Second

// load stores the requests read from in, batch at a time, and prints a summary line. It
// stops at the first request refused, or batch that fails batchTries times.
func load(ctx context.Context, h *handler.Handler, incidents batchStore, in io.Reader, batch int, out io.Writer) error {
	t0 := time.Now()
	read, created := 0, 0
	var docs []*incidentstore.Doc
	flush := func() error {
		defer func() { docs = docs[:0] }()
		wait := batchRetryWait
		for try := 1; ; try++ {
			n, err := incidents.CreateMany(ctx, docs)
			created += n
			if err == nil || !apperr.IsKind(err, apperr.KindUnavailable) || try == batchTries {
				return err
			}
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return err
			}
			wait *= 2
		}
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	err := func() error {
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			read++
			req := &incidentv1.CreateIncidentRequest{}
			if err := protojson.Unmarshal([]byte(line), req); err != nil {
				return fmt.Errorf("request %d: %w", read, err)
			}
			d, err := h.ToCreate(ctx, req)
			if err != nil {
				return fmt.Errorf("request %d: %w", read, err)
			}
			if docs = append(docs, d); len(docs) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := sc.Err(); err != nil {
			return err
		}
		return flush()
	}()
	elapsed := time.Since(t0)
	fmt.Fprintf(out, "%d read, %d created (the rest were stored already) in %s (%.0f/s)\n", read, created, elapsed.Round(time.Millisecond), float64(created)/elapsed.Seconds())
	return err
}
