// Package positions turns the positions TAK devices report about themselves into unit
// position reports: a device bound to a unit (a TakBinding of the forces service) reports
// for that unit, under its force's authority, through the bridge's service identity. A
// device not bound, or not authenticated by a client certificate, is ignored.
package positions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
	"github.com/tansiq/tansiq/services/cotbridge/internal/cot"
	"github.com/tansiq/tansiq/services/cotbridge/internal/server"
)

// Reporter reports bound devices' positions to the forces service through the gateway.
type Reporter struct {
	forces forcesv1.ForcesServiceClient
	every  time.Duration // at most one report per binding in this time
	log    *slog.Logger

	mu       sync.Mutex
	bindings []*forcesv1.TakBinding
	last     map[string]time.Time // binding -> when its last report was sent
}

// New returns a reporter that sends at most one report per binding every `every`.
func New(forces forcesv1.ForcesServiceClient, every time.Duration, log *slog.Logger) *Reporter {
	return &Reporter{forces: forces, every: every, log: log, last: map[string]time.Time{}}
}

// Follow reads the bindings every interval until ctx ends.
func (r *Reporter) Follow(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := r.load(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("reading TAK bindings", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *Reporter) load(ctx context.Context) error {
	var all []*forcesv1.TakBinding
	req := &forcesv1.ListTakBindingsRequest{Parent: "forces/-", PageSize: 500}
	for {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		resp, err := r.forces.ListTakBindings(cctx, req)
		cancel()
		if err != nil {
			return err
		}
		all = append(all, resp.GetTakBindings()...)
		if resp.GetNextPageToken() == "" {
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	r.mu.Lock()
	r.bindings = all
	r.mu.Unlock()
	return nil
}

// binding is the binding a device matches: by its certificate's name, else by its uid,
// else by its callsign. Only devices with a verified certificate match at all.
func (r *Reporter) binding(p server.Peer) *forcesv1.TakBinding {
	if p.CertName == "" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.bindings {
		switch {
		case b.GetCertificateName() != "":
			if b.GetCertificateName() == p.CertName {
				return b
			}
		case b.GetDeviceUid() != "":
			if b.GetDeviceUid() == p.UID {
				return b
			}
		case b.GetCallsign() != "" && b.GetCallsign() == p.Callsign:
			return b
		}
	}
	return nil
}

// ForceOf is the force of the unit the device is bound to, "" if it is not bound; it
// implements server.ForceResolver, so a device sees what its force may see.
func (r *Reporter) ForceOf(p server.Peer) string {
	b := r.binding(p)
	if b == nil {
		return ""
	}
	force, _, _ := strings.Cut(strings.TrimPrefix(b.GetUnit(), "forces/"), "/")
	return "forces/" + force
}

// due reports whether a report for binding may be sent now, and records it.
func (r *Reporter) due(binding string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.last[binding]) < r.every {
		return false
	}
	r.last[binding] = now
	return true
}

// ReportPosition reports a bound device's own position as its unit's; it implements
// server.PositionSink. Positions of unbound devices are not reported (false); a bound
// device's reports closer together than `every` are dropped (true: it is bound).
func (r *Reporter) ReportPosition(ctx context.Context, p server.Peer, e *cot.Event) (bool, error) {
	b := r.binding(p)
	if b == nil {
		return false, nil
	}
	if !r.due(b.GetName(), time.Now()) {
		return true, nil
	}
	when := e.Time.Time
	if when.IsZero() || when.After(time.Now()) {
		when = time.Now() // the device's clock runs ahead: the bridge's is the better guess
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%s|%d", b.GetName(), e.UID, when.UnixMilli()))
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := r.forces.ReportUnitPosition(cctx, &forcesv1.ReportUnitPositionRequest{
		Name: b.GetUnit(), TakBinding: b.GetName(), RequestId: "cot-" + hex.EncodeToString(sum[:16]),
		Position: &forcesv1.UnitPosition{
			Place: &typev1.Place{Point: &typev1.LatLng{Latitude: e.Point.Lat, Longitude: e.Point.Lon},
				Precision: precision(e.Point.CE)},
			ReportTime: timestamppb.New(when),
			Note:       "TAK device " + p.CertName + " (" + p.Callsign + ")",
		},
	})
	if err != nil {
		return true, err
	}
	return true, nil
}

// precision is the GeoPrecision of a circular error in metres.
func precision(ce float64) typev1.GeoPrecision {
	switch {
	case ce <= 0 || ce >= cot.Unknown:
		return typev1.GeoPrecision_GEO_PRECISION_UNSPECIFIED
	case ce <= 100:
		return typev1.GeoPrecision_GEO_PRECISION_EXACT
	case ce <= 5000:
		return typev1.GeoPrecision_GEO_PRECISION_NEAR
	case ce <= 25000:
		return typev1.GeoPrecision_GEO_PRECISION_DISTRICT
	}
	return typev1.GeoPrecision_GEO_PRECISION_GOVERNORATE
}
