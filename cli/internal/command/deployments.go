package command

import (
	"time"

	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"strings"

	"github.com/tansiq/tansiq/cli/internal/problem"
	"github.com/tansiq/tansiq/cli/internal/table"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

func init() {
	register("deployments list", leaf{
		usage:   "deployments list [--filter EXPR] [--limit N]",
		summary: "list joint deployments",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			filter := fs.String("filter", "", `AIP-160 filter, e.g. 'state = "ACTIVE"'`)
			limit := fs.Int("limit", 50, "show at most this many (0: all)")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return problem.Usagef("unexpected argument %q", args[0])
				}
				return listDeployments(e, *filter, *limit)
			}
		},
	})
	register("deployments propose", leaf{
		usage:   "deployments propose --zone ZONE --unit UNIT --unit UNIT --start DATE [--end DATE] --lead-force FORCE [--request-id ID]",
		summary: "propose a joint deployment; it becomes active when the other force acknowledges it",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			var units listFlag
			zone := fs.String("zone", "", "zone deployed in: zones/{zone} or its id")
			fs.Var(&units, "unit", "unit deployed, forces/{force}/units/{unit}; repeat, or separate with commas (at least one of each force)")
			start := fs.String("start", "", "when it starts: a date or RFC 3339 time")
			end := fs.String("end", "", "when it ends: a date (its whole day is included) or RFC 3339 time; empty: open-ended")
			lead := fs.String("lead-force", "", "force in command: forces/{force} or its id")
			requestID := fs.String("request-id", "", "idempotency key: repeat the command with the same one to retry safely; default a new one, printed")
			title := fs.String("title", "", "one-line title")
			mandate := fs.String("mandate", "", "the meeting decision behind it, meetings/{meeting}/decisions/{decision}")
			notes := fs.String("notes", "", "free notes")
			id := fs.String("id", "", "deployment id; default chosen by the server")
			return func(e *env, args []string) error {
				if len(args) > 0 {
					return problem.Usagef("unexpected argument %q", args[0])
				}
				if *zone == "" || len(units) == 0 || *start == "" || *lead == "" {
					return problem.Usagef("--zone, --unit, --start and --lead-force are required")
				}
				st, err := parseTime("start", *start, startBound, e.g.loc())
				if err != nil {
					return err
				}
				en, err := parseTime("end", *end, endBound, e.g.loc())
				if err != nil {
					return err
				}
				req := &gatewayv1.ProposeDeploymentRequest{
					Deployment: &gatewayv1.Deployment{
						Title: *title, Zone: resourceName("zones", *zone), Units: units,
						LeadForce: resourceName("forces", *lead), StartTime: st, EndTime: en,
						Mandate: *mandate, Notes: *notes,
					},
					DeploymentId: *id,
					RequestId:    orNewRequestID(e, *requestID),
				}
				return proposeDeployment(e, req)
			}
		},
	})
	register("deployments ack", leaf{
		usage:   "deployments ack NAME [--note TEXT] [--etag ETAG] [--request-id ID]",
		summary: "acknowledge a deployment for your force (your token's force)",
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			note := fs.String("note", "", "note given with the acknowledgement")
			etag := fs.String("etag", "", "etag read before: refuse if the deployment changed since")
			requestID := fs.String("request-id", "", "idempotency key; default a new one, printed")
			return func(e *env, args []string) error {
				if len(args) != 1 {
					return problem.Usagef("want one deployment name, deployments/{deployment} or its id")
				}
				return ackDeployment(e, &gatewayv1.AcknowledgeDeploymentRequest{
					Name: resourceName("deployments", args[0]), Note: *note, Etag: *etag,
					RequestId: orNewRequestID(e, *requestID),
				})
			}
		},
	})
}

// listFlag collects a repeatable flag whose values may also be comma-separated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// orNewRequestID returns id, or a new one that it tells the person, so a retry after a
// lost reply can reuse it.
func orNewRequestID(e *env, id string) string {
	if id != "" {
		return id
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	id = "cli-" + hex.EncodeToString(b)
	fmt.Fprintf(e.stderr, "request id %s (pass --request-id %s to retry safely)\n", id, id)
	return id
}

var deploymentHeader = []string{"NAME", "STATE", "ZONE", "LEAD", "UNITS", "WINDOW", "ACKNOWLEDGED"}

func deploymentRow(d *gatewayv1.Deployment, loc *time.Location) []string {
	units := make([]string, 0, len(d.GetUnits()))
	for _, u := range d.GetUnits() {
		units = append(units, shortName(u))
	}
	acked := make([]string, 0, len(d.GetAcknowledgements()))
	for _, a := range d.GetAcknowledgements() {
		acked = append(acked, shortName(a.GetForce()))
	}
	ack := fmt.Sprintf("%d/%d", len(acked), len(d.GetForces()))
	if len(acked) > 0 {
		ack += " (" + strings.Join(acked, ", ") + ")"
	}
	return []string{
		d.GetName(),
		enumLabel(d.GetState().String(), "DEPLOYMENT_STATE_"),
		shortName(d.GetZone()),
		shortName(d.GetLeadForce()),
		strings.Join(units, ", "),
		window(d.GetStartTime(), d.GetEndTime(), loc),
		ack,
	}
}

func listDeployments(e *env, filter string, limit int) error {
	conn, err := e.g.dial(gatewayv1.DeploymentService_ServiceDesc)
	if err != nil {
		return err
	}
	defer conn.Close()
	client := gatewayv1.NewDeploymentServiceClient(conn)
	rows, more, err := collect(limit, func(token string, size int32) ([]*gatewayv1.Deployment, string, error) {
		resp, err := client.ListDeployments(e.ctx, &gatewayv1.ListDeploymentsRequest{Filter: filter, PageToken: token, PageSize: size})
		return resp.GetDeployments(), resp.GetNextPageToken(), err
	}, func(d *gatewayv1.Deployment) []string { return deploymentRow(d, e.g.loc()) })
	if err != nil {
		return err
	}
	return printTable(e, deploymentHeader, rows, more, limit)
}

func proposeDeployment(e *env, req *gatewayv1.ProposeDeploymentRequest) error {
	conn, err := e.g.dial(gatewayv1.DeploymentService_ServiceDesc, gatewayv1.DeploymentService_ProposeDeployment_FullMethodName)
	if err != nil {
		return err
	}
	defer conn.Close()
	resp, err := gatewayv1.NewDeploymentServiceClient(conn).ProposeDeployment(e.ctx, req)
	if err != nil {
		return err
	}
	return table.Write(e.stdout, deploymentHeader, [][]string{deploymentRow(resp.GetDeployment(), e.g.loc())})
}

func ackDeployment(e *env, req *gatewayv1.AcknowledgeDeploymentRequest) error {
	conn, err := e.g.dial(gatewayv1.DeploymentService_ServiceDesc)
	if err != nil {
		return err
	}
	defer conn.Close()
	resp, err := gatewayv1.NewDeploymentServiceClient(conn).AcknowledgeDeployment(e.ctx, req)
	if err != nil {
		return err
	}
	return table.Write(e.stdout, deploymentHeader, [][]string{deploymentRow(resp.GetDeployment(), e.g.loc())})
}
