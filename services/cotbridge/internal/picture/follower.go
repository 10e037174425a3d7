package picture

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
	"github.com/tansiq/tansiq/services/cotbridge/internal/hub"
)

// rollingWindow is the picture's window when no start is fixed: the API's own default.
const rollingWindow = 30 * 24 * time.Hour

// Gateway is what the follower reads, all through the gateway's API.
type Gateway struct {
	Zones     gatewayv1.ZoneServiceClient
	Coverage  gatewayv1.CoverageServiceClient
	Incidents incidentv1.IncidentServiceClient
	Forces    forcesv1.ForcesServiceClient
}

// Config tunes a Follower.
type Config struct {
	// Since fixes the start of the picture's window (incidents that happened and
	// deployments in force since then); zero means the last 30 days, moving with time.
	Since time.Time
	// UnitsEvery is how often unit positions are read (the forces API has no watch).
	UnitsEvery time.Duration
	// VacuumEvery is how often every zone's security vacuum is read again (areas of
	// responsibility change it without a picture change); a zone's picture change reads
	// its vacuum at once. Zero: 30 s.
	VacuumEvery time.Duration
	// Clock stamps the events; the whole picture is sent again every StaleAfter/2 so a
	// connected client never sees it go stale.
	Clock Clock
}

// Follower keeps the hub's picture current from the gateway's streams.
type Follower struct {
	gw  Gateway
	hub *hub.Hub
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	zones     map[string]*zoneState
	incidents map[string]*incidentv1.Incident
	units     map[string]*forcesv1.Unit
	// withheld maps the uid of each unit whose force withholds its positions to that
	// force: only that force's clients see the event.
	withheld map[string]string
	// changed holds the zones whose vacuum is to be read again at once; kick wakes the
	// vacuum reader for them.
	changed map[string]bool
	kick    chan struct{}
}

type zoneState struct {
	zone    *gatewayv1.Zone
	picture *gatewayv1.ZonePicture
	vacuum  *gatewayv1.SecurityVacuum // nil: not read yet, or the gateway computes none
	uids    []string                  // the events last sent for the zone: its shapes, vacuum and deployments
}

// NewFollower returns a follower publishing to h.
func NewFollower(gw Gateway, h *hub.Hub, cfg Config, log *slog.Logger) *Follower {
	return &Follower{gw: gw, hub: h, cfg: cfg, log: log,
		zones: map[string]*zoneState{}, incidents: map[string]*incidentv1.Incident{}, units: map[string]*forcesv1.Unit{},
		withheld: map[string]string{}, changed: map[string]bool{}, kick: make(chan struct{}, 1)}
}

// Run follows the gateway until ctx ends, reconnecting with backoff when a stream breaks.
func (f *Follower) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { f.keep(ctx, "units", f.pollUnits) })
	wg.Go(func() { f.keep(ctx, "picture", f.watchPicture) })
	wg.Go(func() { f.keep(ctx, "incidents", f.watchIncidents) })
	wg.Go(func() { f.refresh(ctx) })
	wg.Go(func() { f.pollVacuums(ctx) })
	wg.Wait()
}

// keep runs follow again after each failure, with a backoff that grows to 3 s.
func (f *Follower) keep(ctx context.Context, what string, follow func(context.Context) error) {
	delay := 100 * time.Millisecond
	for ctx.Err() == nil {
		began := time.Now()
		err := follow(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > 10*time.Second {
			delay = 100 * time.Millisecond
		}
		f.log.Warn("following the gateway: retrying", "stream", what, "err", err, "after", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, 3*time.Second)
	}
}

func (f *Follower) windowStart(now time.Time) time.Time {
	if !f.cfg.Since.IsZero() {
		return f.cfg.Since
	}
	return now.Add(-rollingWindow)
}

// watchPicture follows WatchOperationalPicture for every zone, resuming after the last
// change it handled.
func (f *Follower) watchPicture(ctx context.Context) error {
	var token string
	for {
		req := &gatewayv1.WatchOperationalPictureRequest{Zone: "zones/-", ResumeToken: token}
		if !f.cfg.Since.IsZero() {
			req.StartTime = timestamppb.New(f.cfg.Since)
		}
		stream, err := f.gw.Coverage.WatchOperationalPicture(ctx, req)
		if err != nil {
			return err
		}
		for {
			resp, err := stream.Recv()
			if status.Code(err) == codes.OutOfRange {
				token = "" // too old to resume: start again from a snapshot
				break
			}
			if err != nil {
				return err
			}
			if err := f.zoneChanged(ctx, resp.GetChange()); err != nil {
				return err
			}
			token = resp.GetResumeToken()
		}
	}
}

// zoneChanged sends a zone's shapes and deployments after a change, and deletes the
// events the zone no longer has.
func (f *Follower) zoneChanged(ctx context.Context, ch *gatewayv1.PictureChange) error {
	name := ch.GetZone()
	f.mu.Lock()
	st := f.zones[name]
	f.mu.Unlock()
	if ch.GetType() == gatewayv1.PictureChangeType_PICTURE_CHANGE_TYPE_REMOVED {
		if st != nil {
			f.publish(f.replace(name, nil))
		}
		return nil
	}
	zone := st.getZone()
	if zone == nil || slices.Contains(ch.GetCauses(), name) {
		resp, err := f.gw.Zones.GetZone(ctx, &gatewayv1.GetZoneRequest{Name: name})
		if status.Code(err) == codes.NotFound {
			f.publish(f.replace(name, nil))
			return nil
		}
		if err != nil {
			return fmt.Errorf("get %s: %w", name, err)
		}
		zone = resp.GetZone()
	}
	f.publish(f.replace(name, &zoneState{zone: zone, picture: ch.GetPicture(), vacuum: st.getVacuum()}))
	// The change (a deployment acknowledged, say) may have moved the vacuum: have it read
	// again, by the vacuum reader, so that this stream does not wait for the computation.
	f.mu.Lock()
	f.changed[name] = true
	f.mu.Unlock()
	select {
	case f.kick <- struct{}{}:
	default: // already woken
	}
	return nil
}

func (st *zoneState) getVacuum() *gatewayv1.SecurityVacuum {
	if st == nil {
		return nil
	}
	return st.vacuum
}

// updateVacuum reads a zone's security vacuum and, if it changed, sends the zone's events
// again with it (and deletes for the pieces it no longer has).
func (f *Follower) updateVacuum(ctx context.Context, name string) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	resp, err := f.gw.Coverage.GetSecurityVacuum(cctx, &gatewayv1.GetSecurityVacuumRequest{Zone: name})
	cancel()
	if err != nil && status.Code(err) != codes.NotFound {
		if ctx.Err() == nil {
			f.log.Warn("reading a security vacuum", "zone", name, "err", err)
		}
		return
	}
	v := resp.GetVacuum()
	f.mu.Lock()
	st := f.zones[name]
	if st == nil || sameVacuum(st.vacuum, v) {
		f.mu.Unlock()
		return
	}
	events := f.replaceLocked(name, &zoneState{zone: st.zone, picture: st.picture, vacuum: v})
	f.mu.Unlock()
	f.publish(events)
}

// sameVacuum reports whether two readings of a vacuum differ only in when they were made.
func sameVacuum(a, b *gatewayv1.SecurityVacuum) bool {
	if a == nil || b == nil {
		return a == b
	}
	a, b = proto.CloneOf(a), proto.CloneOf(b)
	a.VacuumTime, b.VacuumTime, a.StartTime, b.StartTime = nil, nil, nil, nil
	return proto.Equal(a, b)
}

// pollVacuums reads the vacuum of each zone whose picture changed as soon as it changed,
// and of every zone every VacuumEvery, until ctx ends.
func (f *Follower) pollVacuums(ctx context.Context) {
	every := f.cfg.VacuumEvery
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		all := false
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			all = true
		case <-f.kick:
		}
		f.mu.Lock()
		names := slices.Collect(maps.Keys(f.changed))
		if all {
			names = slices.Collect(maps.Keys(f.zones))
		}
		clear(f.changed)
		f.mu.Unlock()
		slices.Sort(names)
		for _, name := range names {
			f.updateVacuum(ctx, name)
		}
	}
}

func (st *zoneState) getZone() *gatewayv1.Zone {
	if st == nil {
		return nil
	}
	return st.zone
}

// replace makes next the zone's state (nil: the zone is gone) and returns its events,
// with deletes for those it no longer has.
func (f *Follower) replace(name string, next *zoneState) []*cot.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.replaceLocked(name, next)
}

// replaceLocked is replace with f.mu held.
func (f *Follower) replaceLocked(name string, next *zoneState) []*cot.Event {
	prev := f.zones[name]
	var events []*cot.Event
	if next != nil {
		events = f.zoneEvents(next)
		f.zones[name] = next
	} else {
		delete(f.zones, name)
	}
	if prev != nil {
		for _, uid := range prev.uids {
			if next == nil || !slices.Contains(next.uids, uid) {
				events = append(events, f.cfg.Clock.Delete(uid, TypeShape))
			}
		}
	}
	return events
}

// zoneEvents builds a zone's events and records their uids; f.mu is held.
func (f *Follower) zoneEvents(st *zoneState) []*cot.Event {
	c := f.cfg.Clock
	events := c.ZoneShapes(st.zone, st.picture)
	var centre *typev1.LatLng
	if len(events) > 0 {
		centre = &typev1.LatLng{Latitude: events[0].Point.Lat, Longitude: events[0].Point.Lon}
	}
	if st.vacuum != nil {
		vacuum, err := c.VacuumShapes(st.zone, st.vacuum)
		if err != nil {
			f.log.Error("security vacuum not drawable: skipped", "zone", st.zone.GetName(), "err", err)
		}
		events = append(events, vacuum...)
	}
	deps := append(slices.Clone(st.picture.GetActiveDeployments()), st.picture.GetProposedDeployments()...)
	for _, d := range deps {
		events = append(events, c.Deployment(d, centre, f.largestEchelon(d.GetUnits())))
	}
	st.uids = st.uids[:0]
	for _, e := range events {
		st.uids = append(st.uids, e.UID)
	}
	return events
}

// largestEchelon is the echelon of the largest of the named units known; f.mu is held.
func (f *Follower) largestEchelon(names []string) forcesv1.Echelon {
	var e forcesv1.Echelon
	for _, n := range names {
		if u, ok := f.units[n]; ok {
			e = max(e, u.GetEchelon())
		}
	}
	return e
}

// watchIncidents follows WatchIncidents from the first stored incident, sending those
// in the window.
func (f *Follower) watchIncidents(ctx context.Context) error {
	var token string
	for {
		stream, err := f.gw.Incidents.WatchIncidents(ctx, &incidentv1.WatchIncidentsRequest{ResumeToken: token})
		if err != nil {
			return err
		}
		for {
			resp, err := stream.Recv()
			if status.Code(err) == codes.OutOfRange {
				token = ""
				break
			}
			if err != nil {
				return err
			}
			f.publish(f.incidentChanged(resp.GetIncident()))
			token = resp.GetResumeToken()
		}
	}
}

func (f *Follower) incidentChanged(in *incidentv1.Incident) []*cot.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, had := f.incidents[in.GetName()]
	if in.GetOccurTime().AsTime().Before(f.windowStart(f.cfg.Clock.Now())) {
		if had {
			delete(f.incidents, in.GetName())
			return []*cot.Event{f.cfg.Clock.Delete(UID(in.GetName()), TypeHostile)}
		}
		return nil
	}
	f.incidents[in.GetName()] = in
	return []*cot.Event{f.cfg.Clock.Incident(in)}
}

// pollUnits reads every unit every UnitsEvery and sends the positions that changed.
func (f *Follower) pollUnits(ctx context.Context) error {
	t := time.NewTicker(f.cfg.UnitsEvery)
	defer t.Stop()
	for {
		units, err := f.listUnits(ctx)
		if err != nil {
			return err
		}
		f.publish(f.unitsChanged(units))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (f *Follower) listUnits(ctx context.Context) (map[string]*forcesv1.Unit, error) {
	units := map[string]*forcesv1.Unit{}
	req := &forcesv1.ListUnitsRequest{Parent: "forces/-", PageSize: 500}
	for {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		resp, err := f.gw.Forces.ListUnits(cctx, req)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("list units: %w", err)
		}
		for _, u := range resp.GetUnits() {
			units[u.GetName()] = u
		}
		if resp.GetNextPageToken() == "" {
			return units, nil
		}
		req.PageToken = resp.GetNextPageToken()
	}
}

// unitsChanged replaces the known units and returns the events of positions that are
// new or moved, and deletes for units gone or no longer placed.
func (f *Follower) unitsChanged(units map[string]*forcesv1.Unit) []*cot.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var events []*cot.Event
	clear(f.withheld)
	for name, u := range units {
		if u.GetPositionRelease() == forcesv1.PositionRelease_POSITION_RELEASE_WITHHELD {
			f.withheld[UID(name)] = u.GetForce()
		}
		prev := f.units[name]
		if u.GetLastPosition() == nil || (prev != nil && prev.GetEtag() == u.GetEtag()) {
			continue
		}
		events = append(events, f.cfg.Clock.Unit(u))
	}
	for name, prev := range f.units {
		if _, ok := units[name]; !ok && prev.GetLastPosition() != nil {
			events = append(events, f.cfg.Clock.Delete(UID(name), TypeFriendly))
		}
	}
	f.units = units
	return events
}

// refresh sends the whole picture again, newly stamped, every StaleAfter/2, and drops
// incidents that left a rolling window.
func (f *Follower) refresh(ctx context.Context) {
	t := time.NewTicker(f.cfg.Clock.StaleAfter / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f.publish(f.all())
	}
}

// all is every event of the picture, newly stamped.
func (f *Follower) all() []*cot.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var events []*cot.Event
	for _, st := range f.zones {
		events = append(events, f.zoneEvents(st)...)
	}
	start := f.windowStart(f.cfg.Clock.Now())
	for name, in := range f.incidents {
		if in.GetOccurTime().AsTime().Before(start) {
			delete(f.incidents, name)
			events = append(events, f.cfg.Clock.Delete(UID(name), TypeHostile))
			continue
		}
		events = append(events, f.cfg.Clock.Incident(in))
	}
	for _, u := range f.units {
		if u.GetLastPosition() != nil {
			events = append(events, f.cfg.Clock.Unit(u))
		}
	}
	return events
}

// publish encodes events and hands them to the hub; a withheld unit's position goes only
// to its own force's clients, the others get its delete.
func (f *Follower) publish(events []*cot.Event) {
	f.mu.Lock()
	withheld := maps.Clone(f.withheld)
	f.mu.Unlock()
	frames := make([]*hub.Frame, 0, len(events))
	for _, e := range events {
		fr, err := hub.NewFrame(e, e.Type == TypeDelete)
		if err == nil && !fr.Delete && withheld[e.UID] != "" {
			fr.Force = withheld[e.UID]
			fr.Withheld, err = hub.NewFrame(f.cfg.Clock.Delete(e.UID, e.Type), true)
		}
		if err != nil {
			f.log.Error("event not encodable: skipped", "uid", e.UID, "err", err)
			continue
		}
		frames = append(frames, fr)
	}
	f.hub.Publish(frames...)
}
