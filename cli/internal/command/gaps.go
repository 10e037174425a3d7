package command

import (
	"time"

	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/tansiq/tansiq/cli/internal/problem"
	"github.com/tansiq/tansiq/cli/internal/table"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

func init() {
	register("gaps", leaf{
		usage:   "gaps [--from DATE] [--to DATE]",
		summary: "list coverage gaps: zones with incidents no joint deployment covered, most exposed first",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			from := fs.String("from", "", "window start: a date (2021-12-01) or RFC 3339 time; default 30 days before --to")
			to := fs.String("to", "", "window end: a date (its whole day is included) or RFC 3339 time; default now")
			limit := fs.Int("limit", 50, "show at most this many (0: all)")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return problem.Usagef("unexpected argument %q", args[0])
				}
				start, err := parseTime("from", *from, startBound, e.g.loc())
				if err != nil {
					return err
				}
				end, err := parseTime("to", *to, endBound, e.g.loc())
				if err != nil {
					return err
				}
				return listGaps(e, &gatewayv1.ListCoverageGapsRequest{StartTime: start, EndTime: end}, *limit)
			}
		},
	})
}

var gapHeader = []string{"ZONE", "INCIDENTS", "CASUALTIES", "LAST INCIDENT", "WHEN", "LAPSED DEPLOYMENTS", "SCORE"}

func listGaps(e *env, req *gatewayv1.ListCoverageGapsRequest, limit int) error {
	conn, err := e.g.dial(gatewayv1.CoverageService_ServiceDesc)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := gatewayv1.NewCoverageServiceClient(conn)
	var first *gatewayv1.ListCoverageGapsResponse // says which window the server used
	rows, more, err := collect(limit, func(token string, size int32) ([]*gatewayv1.CoverageGap, string, error) {
		req.PageToken, req.PageSize = token, size
		resp, err := client.ListCoverageGaps(e.ctx, req)
		if first == nil {
			first = resp
		}
		return resp.GetCoverageGaps(), resp.GetNextPageToken(), err
	}, func(g *gatewayv1.CoverageGap) []string { return gapRow(g, e.g.loc()) })
	if err != nil {
		return err
	}
	span := window(first.GetStartTime(), first.GetEndTime(), e.g.loc())
	if len(rows) == 0 {
		fmt.Fprintf(e.stdout, "no coverage gaps in %s\n", span)
		return nil
	}
	fmt.Fprintf(e.stdout, "coverage gaps in %s\n\n", span)
	return printTable(e, gapHeader, rows, more, limit)
}

func gapRow(g *gatewayv1.CoverageGap, loc *time.Location) []string {
	zone := g.GetZoneDisplayName().GetEnglish()
	if zone == "" {
		zone = shortName(g.GetZone())
	}
	lapsed := make([]string, 0, len(g.GetLapsedDeployments()))
	for _, d := range g.GetLapsedDeployments() {
		lapsed = append(lapsed, shortName(d))
	}
	return []string{
		zone,
		strconv.Itoa(int(g.GetIncidentCount())),
		strconv.Itoa(int(g.GetCasualties())),
		table.Truncate(g.GetLastIncidentTitle(), 40),
		formatTime(g.GetLastIncidentTime(), loc),
		strings.Join(lapsed, ", "),
		strconv.FormatFloat(g.GetScore(), 'f', 1, 64),
	}
}
