// Package bridge wires the CoT bridge: it reads the flags, dials the gateway with the
// bridge's own service identity, follows the picture into the hub, and serves it to TAK
// clients on the streaming TCP and TLS ports.
package bridge

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"time"

	"go.opentelemetry.io/otel"

	"github.com/tansiq/tansiq/platform/app"
	"github.com/tansiq/tansiq/platform/config"
	"github.com/tansiq/tansiq/platform/dial"
	"github.com/tansiq/tansiq/platform/tlsconfig"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
	"github.com/tansiq/tansiq/services/cotbridge/internal/picture"
	"github.com/tansiq/tansiq/services/cotbridge/internal/positions"
	"github.com/tansiq/tansiq/services/cotbridge/internal/server"
)

// Settings are the bridge's own flags.
type Settings struct {
	gateway                     *string
	tcpListen, tlsListen        *string
	tlsCert, tlsKey, tlsCA      *string
	since                       *string
	unitsEvery, staleAfter      *time.Duration
	vacuumEvery                 *time.Duration
	queue, maxEvent, burst      *int
	maxClients                  *int
	eventsPerSecond             *int
	writeTimeout, positionEvery *time.Duration
	idleTimeout                 *time.Duration
}

// Flags declares the bridge's flags (each with a TANSIQ_* environment fallback).
func Flags(fs *flag.FlagSet) *Settings {
	return &Settings{
		gateway:         config.String(fs, "gateway-addr", "TANSIQ_GATEWAY_ADDR", "127.0.0.1:7000", "the gateway the bridge reads the picture from"),
		tcpListen:       config.String(fs, "cot-tcp-listen", "TANSIQ_COT_TCP_LISTEN", "127.0.0.1:8087", "serve streaming CoT over plain TCP here; empty serves none"),
		tlsListen:       config.String(fs, "cot-tls-listen", "TANSIQ_COT_TLS_LISTEN", "127.0.0.1:8089", "serve streaming CoT over TLS here; empty serves none"),
		tlsCert:         config.String(fs, "cot-tls-cert", "TANSIQ_COT_TLS_CERT_FILE", "", "server certificate of the TLS port (PEM)"),
		tlsKey:          config.String(fs, "cot-tls-key", "TANSIQ_COT_TLS_KEY_FILE", "", "server key of the TLS port (PEM)"),
		tlsCA:           config.String(fs, "cot-tls-client-ca", "TANSIQ_COT_TLS_CLIENT_CA_FILE", "", "CA that TAK clients' certificates must chain to (required with --cot-tls-listen)"),
		since:           config.String(fs, "since", "TANSIQ_COT_SINCE", "", "fixed start of the picture's window (RFC 3339); empty: the last 30 days"),
		unitsEvery:      config.Duration(fs, "units-every", "TANSIQ_COT_UNITS_EVERY", 5*time.Second, "how often unit positions are read"),
		vacuumEvery:     config.Duration(fs, "vacuum-every", "TANSIQ_COT_VACUUM_EVERY", 30*time.Second, "how often every zone's security vacuum is read again (a zone's change reads it at once)"),
		staleAfter:      config.Duration(fs, "stale-after", "TANSIQ_COT_STALE_AFTER", 10*time.Minute, "events go stale this long after they are sent; the picture is re-sent every half of it"),
		queue:           config.Int(fs, "client-queue", "TANSIQ_COT_CLIENT_QUEUE", 10000, "events a client may fall behind before it is dropped"),
		maxEvent:        config.Int(fs, "max-event-bytes", "TANSIQ_COT_MAX_EVENT_BYTES", 64<<10, "largest event a client may send"),
		eventsPerSecond: config.Int(fs, "client-events-per-second", "TANSIQ_COT_CLIENT_RATE", 10, "events per second a client may send (more are discarded)"),
		burst:           config.Int(fs, "client-burst", "TANSIQ_COT_CLIENT_BURST", 50, "events a client may send at once above its rate"),
		maxClients:      config.Int(fs, "max-clients", "TANSIQ_COT_MAX_CLIENTS", 1000, "clients served at once on each port"),
		writeTimeout:    config.Duration(fs, "client-write-timeout", "TANSIQ_COT_WRITE_TIMEOUT", 10*time.Second, "a client that takes no write for this long is dropped"),
		idleTimeout:     config.Duration(fs, "client-idle-timeout", "TANSIQ_COT_IDLE_TIMEOUT", 5*time.Minute, "a client that sends nothing (not even a ping) for this long is dropped; negative: never"),
		positionEvery:   config.Duration(fs, "position-every", "TANSIQ_COT_POSITION_EVERY", 10*time.Second, "at most one position report per bound device in this time"),
	}
}

// Start dials the gateway, starts following the picture and serving clients; all stop
// when ctx ends.
func Start(ctx context.Context, rt *app.Runtime, s *Settings) error {
	var since time.Time
	if *s.since != "" {
		t, err := time.Parse(time.RFC3339, *s.since)
		if err != nil {
			return fmt.Errorf("--since: %w", err)
		}
		since = t
	}
	conn, err := rt.DialService(*s.gateway, append(dial.Retryable(gatewayv1.ZoneService_ServiceDesc,
		gatewayv1.CoverageService_ServiceDesc, incidentv1.IncidentService_ServiceDesc, forcesv1.ForcesService_ServiceDesc),
		// Reports carry a request_id derived from the device, binding and time: safe to retry.
		forcesv1.ForcesService_ReportUnitPosition_FullMethodName)...)
	if err != nil {
		return err
	}
	gw := picture.Gateway{
		Zones: gatewayv1.NewZoneServiceClient(conn), Coverage: gatewayv1.NewCoverageServiceClient(conn),
		Incidents: incidentv1.NewIncidentServiceClient(conn), Forces: forcesv1.NewForcesServiceClient(conn),
	}
	h := hub.New(*s.queue)
	if err := observeHub(otel.Meter("tansiq/cotbridge"), h); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	follower := picture.NewFollower(gw, h, picture.Config{
		Since: since, UnitsEvery: *s.unitsEvery, VacuumEvery: *s.vacuumEvery,
		Clock: picture.Clock{Now: time.Now, StaleAfter: *s.staleAfter},
	}, rt.Log)
	reporter := positions.New(gw.Forces, *s.positionEvery, rt.Log)
	srv := server.New(h, server.Config{
		MaxEventBytes: *s.maxEvent, EventsPerSecond: float64(*s.eventsPerSecond), Burst: *s.burst,
		WriteTimeout: *s.writeTimeout, IdleTimeout: *s.idleTimeout, MaxClients: *s.maxClients, Positions: reporter, Forces: reporter,
	}, rt.Log)

	var listeners []func()
	if *s.tcpListen != "" {
		lis, err := net.Listen("tcp", *s.tcpListen)
		if err != nil {
			return fmt.Errorf("--cot-tcp-listen: %w", err)
		}
		rt.Log.Info("serving streaming CoT over TCP", "addr", lis.Addr().String())
		listeners = append(listeners, func() { serve(ctx, rt, srv, lis, nil) })
	}
	if *s.tlsListen != "" {
		if *s.tlsCert == "" || *s.tlsCA == "" {
			return errors.New("--cot-tls-listen needs --cot-tls-cert, --cot-tls-key and --cot-tls-client-ca (TAK clients present certificates); set it empty to serve no TLS port")
		}
		tc, err := tlsconfig.Server(tlsconfig.Files{Cert: *s.tlsCert, Key: *s.tlsKey, CA: *s.tlsCA})
		if err != nil {
			return fmt.Errorf("--cot-tls-cert: %w", err)
		}
		lis, err := net.Listen("tcp", *s.tlsListen)
		if err != nil {
			return fmt.Errorf("--cot-tls-listen: %w", err)
		}
		rt.Log.Info("serving streaming CoT over TLS with client certificates", "addr", lis.Addr().String())
		listeners = append(listeners, func() { serve(ctx, rt, srv, lis, tc) })
	}
	// Every task ends with ctx; rt.Go has the process wait for them before it closes its
	// store, so none writes to a closed store or logs after shutdown.
	rt.Go(func() { follower.Run(ctx) })
	rt.Go(func() { reporter.Follow(ctx, *s.unitsEvery) })
	for _, l := range listeners {
		rt.Go(l)
	}
	return nil
}

func serve(ctx context.Context, rt *app.Runtime, srv *server.Server, lis net.Listener, tc *tls.Config) {
	if err := srv.Serve(ctx, lis, tc); err != nil {
		rt.Log.Error("CoT listener stopped", "addr", lis.Addr().String(), "err", err)
	}
}
