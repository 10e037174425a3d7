// Command gateway is Tansiq's front door: one address that forwards the incident, forces
// and meeting APIs to their services and serves the gateway's own APIs (zones, joint
// deployments, coverage gaps and the operational picture).
package main

import (
	"context"
	"flag"

	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"

	"github.com/tansiq/tansiq/gateway/internal/edge"
	"github.com/tansiq/tansiq/gateway/internal/limits"
	"github.com/tansiq/tansiq/gateway/internal/webserver"
	"github.com/tansiq/tansiq/gateway/internal/wiring"
	"github.com/tansiq/tansiq/gateway/web"
	"github.com/tansiq/tansiq/platform/app"
	"github.com/tansiq/tansiq/platform/audit"
	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/dial"
	"github.com/tansiq/tansiq/platform/server"
	auditv1 "github.com/tansiq/tansiq/proto/tansiq/audit/v1"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

func main() {
	var incidentAddr, forcesAddr, meetingAddr, webListen, devIdentities *string
	var lim *limits.Settings
	var routes edge.Routes
	var serverCfg server.Config
	app.Main(app.Options{
		Name: "gateway", DefaultListen: "127.0.0.1:7000",
		Flags: func(fs *flag.FlagSet) {
			incidentAddr = config.String(fs, "incident-addr", "TANSIQ_INCIDENT_ADDR", "127.0.0.1:7001", "incident service address")
			forcesAddr = config.String(fs, "forces-addr", "TANSIQ_FORCES_ADDR", "127.0.0.1:7002", "forces service address")
			meetingAddr = config.String(fs, "meeting-addr", "TANSIQ_MEETING_ADDR", "127.0.0.1:7003", "meeting service address")
			webListen = config.String(fs, "web-listen", "TANSIQ_WEB_LISTEN", "", "address to serve the web app and the Connect and gRPC-Web APIs on (HTTP, or HTTPS with --tls-cert); empty serves none")
			devIdentities = config.String(fs, "web-dev-identities", "TANSIQ_WEB_DEV_IDENTITIES_FILE", "", "development only: JSON file of identities and tokens the web app offers at sign-in (written by the local stack)")
			lim = limits.Flags(fs)
		},
		Configure: func(ctx context.Context, rt *app.Runtime, cfg *server.Config) error {
			var err error
			routes, err = edge.Connect(rt.Dial, []edge.Backend{
				{Addr: *incidentAddr, Services: []string{incidentv1.IncidentService_ServiceDesc.ServiceName},
					Retryable: dial.Retryable(incidentv1.IncidentService_ServiceDesc)},
				{Addr: *forcesAddr, Services: []string{forcesv1.ForcesService_ServiceDesc.ServiceName, forcesv1.AreaService_ServiceDesc.ServiceName},
					Retryable: dial.Retryable(forcesv1.ForcesService_ServiceDesc, forcesv1.AreaService_ServiceDesc)},
				{Addr: *meetingAddr, Services: []string{meetingv1.MeetingService_ServiceDesc.ServiceName},
					Retryable: dial.Retryable(meetingv1.MeetingService_ServiceDesc)},
			})
			if err != nil {
				return err
			}
			cfg.Options = append(cfg.Options, edge.ServerOptions(routes, cfg.DefaultDeadline)...)
			lim.Install(cfg) // after authentication, which app installed before Configure
			cfg.ReflectionOptions = func(s *grpc.Server) reflection.ServerOptions {
				return edge.ReflectionOptions(s, routes)
			}
			serverCfg = *cfg
			return nil
		},
		AuditSources: func(rt *app.Runtime) ([]audit.Source, error) {
			return auditSources(rt, map[string]string{"incident": *incidentAddr, "forces": *forcesAddr, "meeting": *meetingAddr})
		},
	}, func(ctx context.Context, rt *app.Runtime) error {
		if err := wiring.Wire(ctx, rt, wiring.Addrs{Incident: *incidentAddr, Forces: *forcesAddr, Meeting: *meetingAddr}); err != nil {
			return err
		}
		if *webListen == "" {
			return nil
		}
		h, err := webserver.Handler(webserver.Config{GRPC: rt.Server.GRPC, Services: edge.Services(rt.Server.GRPC, routes),
			Assets: web.Assets(), DevIdentitiesFile: *devIdentities, MaxMessageBytes: uint32(serverCfg.MaxRecvMsgBytes)})
		if err != nil {
			return err
		}
		return webserver.Start(ctx, *webListen, h, serverCfg.TLS, serverCfg.ShutdownTimeout, rt.Log)
	})
}

// auditSources dials every service's AuditService with the caller's token forwarded, so
// that each service applies the audit-read rule to the caller itself.
func auditSources(rt *app.Runtime, addrs map[string]string) ([]audit.Source, error) {
	var out []audit.Source
	for _, name := range []string{"incident", "forces", "meeting"} {
		if addrs[name] == "" {
			continue
		}
		conn, err := rt.Dial(addrs[name], dial.Retryable(auditv1.AuditService_ServiceDesc)...)
		if err != nil {
			return nil, err
		}
		out = append(out, audit.Source{Name: name, Trail: auditv1.NewAuditServiceClient(conn)})
	}
	return out, nil
}
