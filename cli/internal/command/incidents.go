package command

import (
	"flag"
	"strconv"
	"time"

	"github.com/tansiq/tansiq/cli/internal/problem"
	"github.com/tansiq/tansiq/cli/internal/table"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

func init() {
	register("incidents list", leaf{
		usage:   "incidents list [--filter EXPR] [--limit N]",
		summary: "list incidents, newest first",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			filter := fs.String("filter", "", `AIP-160 filter, e.g. 'governorate = "Nineveh" AND occur_time >= "2021-11-27T00:00:00Z"'`)
			limit := fs.Int("limit", 50, "show at most this many (0: all)")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return problem.Usagef("unexpected argument %q", args[0])
				}
				return listIncidents(e, *filter, *limit)
			}
		},
	})
}

var incidentHeader = []string{"NAME", "WHEN", "KIND", "DISTRICT", "CASUALTIES", "STATE", "TITLE"}

func listIncidents(e *env, filter string, limit int) error {
	conn, err := e.g.dial(incidentv1.IncidentService_ServiceDesc)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := incidentv1.NewIncidentServiceClient(conn)
	rows, more, err := collect(limit, func(token string, size int32) ([]*incidentv1.Incident, string, error) {
		resp, err := client.ListIncidents(e.ctx, &incidentv1.ListIncidentsRequest{Filter: filter, PageToken: token, PageSize: size})
		return resp.GetIncidents(), resp.GetNextPageToken(), err
	}, incidentRow(e.g.loc()))
	if err != nil {
		return err
	}
	return printTable(e, incidentHeader, rows, more, limit)
}

func incidentRow(loc *time.Location) func(*incidentv1.Incident) []string {
	return func(in *incidentv1.Incident) []string { return incidentCells(in, loc) }
}

func incidentCells(in *incidentv1.Incident, loc *time.Location) []string {
	when := formatTime(in.GetOccurTime(), loc)
	if p := in.GetTimePrecision(); p != typev1.TimePrecision_TIME_PRECISION_EXACT && p != typev1.TimePrecision_TIME_PRECISION_UNSPECIFIED && len(when) > 10 {
		when = when[:10] // known to the day or worse: the hour would be invented
	}
	casualties := ""
	if c := in.GetCasualties(); c != nil && c.GetTotal() > 0 {
		casualties = strconv.Itoa(int(c.GetTotal()))
	}
	return []string{
		in.GetName(), when,
		enumLabel(in.GetKind().String(), "INCIDENT_KIND_"),
		in.GetDistrict(), casualties,
		enumLabel(in.GetState().String(), "INCIDENT_STATE_"),
		table.Truncate(in.GetTitle(), 60),
	}
}
