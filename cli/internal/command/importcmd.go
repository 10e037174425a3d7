package command

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tansiq/tansiq/cli/internal/importer"
	"github.com/tansiq/tansiq/cli/internal/incidentfile"
	"github.com/tansiq/tansiq/cli/internal/problem"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

func init() {
	register("import incidents", leaf{
		usage:   "import incidents FILE.csv|FILE.geojson [--batch NAME] [--parallel N] [--dry-run]",
		summary: "create the incidents of a CSV or GeoJSON file, showing progress; a re-run imports nothing twice",
		details: incidentfile.ColumnsHelp +
			"\nEach row is sent with a request id made from the batch (the file's name) and the row's\n" +
			"line, so running the same file again returns what was stored rather than storing it twice.\n" +
			"A row changed after it was imported is refused as REQUEST_ID_REUSED; import it under\n" +
			"another --batch to store it as a new incident.",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			batch := fs.String("batch", "", "what request ids are derived from; default the file's name")
			parallel := fs.Int("parallel", importer.DefaultParallel, fmt.Sprintf("rows in flight at once (1 to %d)", importer.MaxParallel))
			dry := fs.Bool("dry-run", false, "check the file and report bad rows without sending anything")
			return func(e *env, args []string) error {
				if len(args) != 1 {
					return problem.Usagef("want one file to import")
				}
				if *parallel < 1 || *parallel > importer.MaxParallel {
					return problem.Usagef("--parallel must be between 1 and %d", importer.MaxParallel)
				}
				b := *batch
				if b == "" {
					b = filepath.Base(args[0])
				}
				return importIncidents(e, args[0], importer.Options{Batch: b, Parallel: *parallel, Out: e.stderr, Live: isTerminal(e.stderr)}, *dry)
			}
		},
	})
}

func importIncidents(e *env, path string, o importer.Options, dry bool) error {
	rows, err := incidentfile.Read(path)
	if err != nil {
		return err
	}
	if dry {
		failed := 0
		for _, r := range rows {
			if _, _, vs := r.Incident(); len(vs) > 0 {
				failed++
				fmt.Fprintln(e.stderr, importer.RowError{Row: r, Violations: vs}.Describe())
			}
		}
		fmt.Fprintf(e.stdout, "%d rows, %d would be sent, %d invalid\n", len(rows), len(rows)-failed, failed)
		if failed > 0 {
			return &partialError{failed: failed}
		}
		return nil
	}
	conn, err := e.g.dial(incidentv1.IncidentService_ServiceDesc, incidentv1.IncidentService_CreateIncident_FullMethodName)
	if err != nil {
		return err
	}
	defer conn.Close()
	sum, err := importer.Run(e.ctx, incidentv1.NewIncidentServiceClient(conn), rows, o)
	var stopped *importer.StoppedError
	if errors.As(err, &stopped) {
		fmt.Fprintf(e.stderr, "import stopped at %s: the server refused it, and would refuse every row\n", stopped.At)
		return stopped.Err
	}
	if err != nil {
		return err
	}
	if len(sum.Failed) > 0 {
		return &partialError{failed: len(sum.Failed)}
	}
	return nil
}

// isTerminal reports whether w is a terminal, where the progress line may be redrawn in
// place; in a log each redraw would be a line of its own.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
