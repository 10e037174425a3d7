// Package wiring builds the gateway's own services (zones, deployments, coverage and
// the operational picture) over its database, starts the follower that places incidents
// in zones, and registers the services on the gateway's server, beside the APIs it
// forwards.
//
// Several gateway replicas may run on one store: the zones and deployments are
// platform/store collections, each cached in every replica and followed from its change
// log; the zone catalog follows the zones collection (a zone written through one replica
// is placed and served by the others within the store's poll interval), and a proposal
// that would double-book a unit is refused inside the store's compare-and-swap. Each
// replica also follows the incident stream and places incidents (idempotently).
package wiring

import (
	"context"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/gateway/internal/changes"
	"github.com/tansiq/tansiq/gateway/internal/coverage"
	"github.com/tansiq/tansiq/gateway/internal/deployments"
	"github.com/tansiq/tansiq/gateway/internal/gwseed"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/app"
	"github.com/tansiq/tansiq/platform/dial"
	"github.com/tansiq/tansiq/platform/pagetoken"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// Addrs are the services the gateway's own APIs call; an empty address is a service
// not configured.
type Addrs struct {
	Incident, Forces, Meeting string
}

// Wire builds the services and registers them on rt.Server. The followers run until ctx
// ends (rt.Go: the process waits for them before it closes the store).
func Wire(ctx context.Context, rt *app.Runtime, addrs Addrs) error {
	db := rt.DB.Database
	log := rt.Log
	tokens := pagetoken.New(rt.PageTokenSecret)

	feed, err := changes.New(ctx, db, log)
	if err != nil {
		return err
	}
	zoneStore, err := zones.NewStore(ctx, db)
	if err != nil {
		return err
	}
	if rt.Seed {
		if err := gwseed.Load(ctx, zoneStore); err != nil {
			return err
		}
	}
	// Loaded before the gateway serves (its health is not SERVING until Wire returns).
	if err := zoneStore.Load(ctx); err != nil {
		return err
	}
	zonesAt, err := zoneStore.CurrentSeq(ctx)
	if err != nil {
		return err
	}
	catalog := zones.NewCatalog()
	if err := catalog.Load(ctx, zoneStore, log); err != nil {
		return err
	}
	// Placements come from their last snapshot, placed again against the zones as they
	// are now; the follower resumes the incident stream at the snapshot's token.
	placements, err := placement.NewStore(ctx, db, log)
	if err != nil {
		return err
	}
	mem := placement.NewMemory()
	placedTo, err := placements.Load(ctx, mem)
	if err != nil {
		return err
	}
	placer := placement.NewPlacer(mem, catalog, feed, log)
	placer.Reconcile(ctx)
	deps, err := deployments.NewStore(ctx, db)
	if err != nil {
		return err
	}
	if err := deps.Load(ctx); err != nil {
		return err
	}
	// Zones written through other replicas: into the catalog, and incidents re-placed.
	rt.Go(func() {
		catalog.Follow(ctx, zoneStore, zonesAt, func(zone string) {
			if err := placer.ZoneChanged(ctx, zone); err != nil {
				log.Error("incidents not re-placed after a zone change", "zone", zone, "error", err)
			}
		}, log)
	})

	// Calls made for a caller carry the caller's token (rt.Dial); following the incident
	// stream is the gateway's own business (rt.DialService).
	forces, err := dialOptional(rt.Dial, addrs.Forces, forcesv1.ForcesService_ServiceDesc, forcesv1.NewForcesServiceClient)
	if err != nil {
		return err
	}
	areas, err := dialOptional(rt.Dial, addrs.Forces, forcesv1.AreaService_ServiceDesc, forcesv1.NewAreaServiceClient)
	if err != nil {
		return err
	}
	meetings, err := dialOptional(rt.Dial, addrs.Meeting, meetingv1.MeetingService_ServiceDesc, meetingv1.NewMeetingServiceClient)
	if err != nil {
		return err
	}
	incidents, err := dialOptional(rt.DialService, addrs.Incident, incidentv1.IncidentService_ServiceDesc, incidentv1.NewIncidentServiceClient)
	if err != nil {
		return err
	}

	s := rt.Server.GRPC
	zones.New(zones.Config{Store: zoneStore, Catalog: catalog, Tokens: tokens, Threats: placer, Placer: placer,
		Notifier: feed, Guard: deps, Log: log}).Register(s)
	deployments.New(deployments.Config{Store: deps, Catalog: catalog, Zones: zoneStore, Forces: forces, Meetings: meetings,
		Notifier: feed, Tokens: tokens, Log: log}).Register(s)
	coverage.New(coverage.Config{Catalog: catalog, Placer: placer, Deployments: deps, Changes: feed,
		Meetings: meetings, Areas: areaLister(areas), Tokens: tokens, Log: log}).Register(s)

	if incidents == nil {
		log.Warn("no incident service address: incidents are not placed in zones")
		return nil
	}
	f := &placement.Follower{Client: incidents, Placer: placer, Store: placements, Token: placedTo, Log: log}
	rt.Go(func() { f.Run(ctx) })
	return nil
}

// dialOptional returns a client of the service at addr, or nil when addr is empty; the
// methods the service's protos declare safe to retry are retried on UNAVAILABLE.
func dialOptional[C any](open func(string, ...string) (*grpc.ClientConn, error), addr string,
	service grpc.ServiceDesc, newClient func(grpc.ClientConnInterface) C) (C, error) {
	var zero C
	if addr == "" {
		return zero, nil
	}
	conn, err := open(addr, dial.Retryable(service)...)
	if err != nil {
		return zero, err
	}
	return newClient(conn), nil
}

// areaLister returns c as a coverage.AreaLister, or nil (not a nil client in an
// interface) when no forces service is configured.
func areaLister(c forcesv1.AreaServiceClient) coverage.AreaLister {
	if c == nil {
		return nil
	}
	return c
}
