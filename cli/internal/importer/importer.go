// Package importer creates incidents from the rows of an import file, several at a time,
// showing progress as it goes and reporting each failed row with its field violations.
// Every row is sent with a request id derived from the batch (by default the file's name)
// and the row's place in it, so running the same import again creates nothing twice.
package importer

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/cli/internal/incidentfile"
	"github.com/tansiq/tansiq/cli/internal/problem"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// Creator is the one call an import makes.
type Creator interface {
	CreateIncident(ctx context.Context, in *incidentv1.CreateIncidentRequest, opts ...grpc.CallOption) (*incidentv1.CreateIncidentResponse, error)
}

// Options tune an import.
type Options struct {
	// Batch is what request ids are derived from, with each row's number: the same batch
	// and row give the same id, so a re-run returns what the first run stored. Use the
	// file's name; change it only to import the same rows again as new incidents.
	Batch string
	// Parallel is how many rows are in flight at once, at most MaxParallel; zero means
	// DefaultParallel.
	Parallel int
	// CallTimeout bounds each CreateIncident; zero means 30s.
	CallTimeout time.Duration
	// Out receives the progress line and the per-row errors (stderr).
	Out io.Writer
	// Live redraws the progress line in place ("\r"); set it when Out is a terminal. When
	// false only the errors and the final count are written, which suits a log.
	Live bool
}

// DefaultParallel rows in flight keep a service busy through the round trips of each
// create; MaxParallel is the gateway's default cap on one caller's calls in flight
// (--max-inflight-per-caller), beyond which rows would be refused as RESOURCE_EXHAUSTED.
// Bounded either way, an import leaves the system free to answer everyone else.
const (
	DefaultParallel = 16
	MaxParallel     = 64
)

// RowError is a row that was not imported.
type RowError struct {
	Row incidentfile.Row
	// Violations are the bad fields, found locally or by the server.
	Violations []problem.Violation
	// Err is the server's refusal; nil when the row was refused before sending.
	Err error
}

// Summary is the outcome of an import.
type Summary struct {
	Total int
	// Created counts incidents this run stored; Existing those a previous run had stored
	// (the server answered the request id with an incident created before this run began,
	// by the server's clock).
	Created, Existing int
	// Failed are the rows not imported, in file order.
	Failed []RowError
}

// StoppedError is an import the server refused as a whole.
type StoppedError struct {
	// At is the row whose refusal stopped the import, e.g. "line 7".
	At string
	// Err is the server's refusal.
	Err error
}

func (e *StoppedError) Error() string { return "import stopped at " + e.At + ": " + e.Err.Error() }
func (e *StoppedError) Unwrap() error { return e.Err }

// RequestID is the request id of row number n of batch: a stable digest, within the
// 100-character id limit whatever the batch's name.
func RequestID(batch string, n int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", batch, n)))
	return "import-" + hex.EncodeToString(sum[:12])
}

// Run imports rows. It stops early, returning the error, only when the server refuses
// the import as a whole (no or a bad token, no permission, unreachable), which every
// further row would repeat; a row the server refuses for its content is reported and the
// import goes on.
func Run(ctx context.Context, c Creator, rows []incidentfile.Row, o Options) (Summary, error) {
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	o.Parallel = min(o.Parallel, MaxParallel)
	if o.CallTimeout <= 0 {
		o.CallTimeout = 30 * time.Second
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	began := time.Now()
	pr := &progress{out: o.Out, live: o.Live, sum: Summary{Total: len(rows)}}
	pr.draw()

	work := make(chan incidentfile.Row)
	var wg sync.WaitGroup
	for range o.Parallel {
		wg.Go(func() {
			for row := range work {
				pr.done(importRow(ctx, c, row, o, began, cancel))
			}
		})
	}
feed:
	for _, row := range rows {
		select {
		case work <- row:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	sum := pr.finish()
	slices.SortFunc(sum.Failed, func(a, b RowError) int { return cmp.Compare(a.Row.Number, b.Row.Number) })
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

// outcome is what became of one row.
type outcome struct {
	existing bool
	failed   *RowError
	skipped  bool // not sent: the import was stopped
}

func importRow(ctx context.Context, c Creator, row incidentfile.Row, o Options, began time.Time, stop context.CancelCauseFunc) outcome {
	inc, id, vs := row.Incident()
	if len(vs) > 0 {
		return outcome{failed: &RowError{Row: row, Violations: vs}}
	}
	if ctx.Err() != nil {
		return outcome{skipped: true}
	}
	cctx, cancel := context.WithTimeout(ctx, o.CallTimeout)
	defer cancel()
	resp, err := c.CreateIncident(cctx, &incidentv1.CreateIncidentRequest{
		Incident: inc, IncidentId: id, RequestId: RequestID(o.Batch, row.Number),
	})
	if err != nil {
		if ctx.Err() != nil {
			return outcome{skipped: true}
		}
		switch status.Code(err) {
		case codes.Unauthenticated, codes.PermissionDenied, codes.Unavailable:
			stop(&StoppedError{At: row.Label(), Err: err})
			return outcome{skipped: true}
		}
		return outcome{failed: &RowError{Row: row, Err: err, Violations: withColumns(problem.Violations(err))}}
	}
	created := resp.GetIncident().GetCreateTime()
	return outcome{existing: created != nil && created.AsTime().Before(began)}
}

// withColumns names the column beside the server's field path: "latitude
// (incident.place.point.latitude)".
func withColumns(vs []problem.Violation) []problem.Violation {
	for i, v := range vs {
		if col := incidentfile.Column(v.Field); col != "" {
			vs[i].Field = col + " (" + v.Field + ")"
		}
	}
	return vs
}

// Describe renders a failed row for a person: the row and the refusal ("CODE: message
// (reason)"), then one line per bad field.
func (e RowError) Describe() string {
	head := "invalid, not sent"
	if e.Err != nil {
		head, _, _ = strings.Cut(problem.Describe(e.Err), "\n")
	}
	var b strings.Builder
	b.WriteString(e.Row.Label() + ": " + head)
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "\n    %s: %s", v.Field, v.Description)
	}
	return b.String()
}
