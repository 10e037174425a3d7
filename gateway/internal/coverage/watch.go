package coverage

import (
	"context"
	"errors"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/gateway/internal/assess"
	"github.com/tansiq/tansiq/gateway/internal/changes"
	"github.com/tansiq/tansiq/gateway/internal/zones"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/reqcheck"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
)

// errTooSlow ends a watcher whose backlog filled up.
var errTooSlow = &apperr.Error{Kind: apperr.KindResourceExhausted, Reason: "WATCHER_TOO_SLOW",
	Message: "the watcher fell too far behind the picture's changes: resume from the last resume_token received"}

// pending is a change waiting to be sent, with the token that resumes after it.
type pending struct {
	change changes.Change
	token  string
}

// WatchOperationalPicture streams the changes to the pictures of one zone or of every
// zone. Without a resume token it first sends a snapshot of every zone watched. Each
// watcher follows the stored feed on its own, through a bounded backlog: one whose
// backlog stays full for WatchPatience is ended with RESOURCE_EXHAUSTED, and none holds
// up another.
func (h *Handler) WatchOperationalPicture(req *gatewayv1.WatchOperationalPictureRequest, stream gatewayv1.CoverageService_WatchOperationalPictureServer) error {
	ctx := stream.Context()
	var v apperr.Violations
	validateZoneArg(&v, "zone", req.GetZone())
	start := reqcheck.Time(&v, "start_time", req.GetStartTime())
	end := reqcheck.Time(&v, "end_time", req.GetEndTime())
	if !start.IsZero() && !end.IsZero() && !start.Before(end) {
		v.Add("end_time", "must be after start_time")
	}
	if err := v.Err(); err != nil {
		return toStatus(err)
	}
	window := func() assess.Window {
		to := end
		if to.IsZero() {
			to = reqcheck.Stored(h.now())
		}
		from := start
		if from.IsZero() {
			from = to.Add(-reqcheck.DefaultWindow)
		}
		return assess.Window{From: from, To: to}
	}
	token := req.GetResumeToken()
	if token == "" {
		entries, err := h.watched(req.GetZone())
		if err != nil {
			return toStatus(err)
		}
		if token, err = h.cfg.Changes.Position(ctx); err != nil {
			return toStatus(err)
		}
		if err := h.sendSnapshot(ctx, stream, req.GetZone(), entries, window(), token); err != nil {
			return err
		}
	}
	// A resumed watch of one zone is not refused if the zone has gone since: its REMOVED
	// change is among those it is about to receive.
	return h.follow(ctx, stream, req.GetZone(), token, window)
}

// sendSnapshot sends the current picture of every watched zone.
func (h *Handler) sendSnapshot(ctx context.Context, stream gatewayv1.CoverageService_WatchOperationalPictureServer, zone string, entries []*zones.Entry, w assess.Window, token string) error {
	items, _ := h.actionItems(ctx, zone)
	now := h.now()
	for i := 0; i < len(entries); i += 50 {
		batch := entries[i:min(i+50, len(entries))]
		pics, err := h.pictures(ctx, batch, w, now, items)
		if err != nil {
			return toStatus(err)
		}
		for _, p := range pics {
			err := stream.Send(&gatewayv1.WatchOperationalPictureResponse{ResumeToken: token, Change: &gatewayv1.PictureChange{
				Type: gatewayv1.PictureChangeType_PICTURE_CHANGE_TYPE_SNAPSHOT, Zone: p.GetZone(), Picture: p,
				ChangeTime: timestamppb.New(now)}})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// follow sends the changes after token until the client goes, the feed fails or the
// watcher falls behind. The feed is read in its own goroutine into a bounded backlog;
// this goroutine makes the pictures and sends them.
func (h *Handler) follow(ctx context.Context, stream gatewayv1.CoverageService_WatchOperationalPictureServer, zone, token string, window func() assess.Window) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	backlog := make(chan pending, h.cfg.WatchBuffer)
	feedErr := make(chan error, 1)
	go func() {
		feedErr <- h.cfg.Changes.Follow(ctx, token, func(ch changes.Change, tok string) error {
			if zone != allZones && ch.Zone != zone {
				return nil
			}
			select {
			case backlog <- pending{ch, tok}:
				return nil
			default:
			}
			// Full: wait a while (this goroutine serves this watcher alone), then give up.
			timer := time.NewTimer(h.cfg.WatchPatience)
			defer timer.Stop()
			select {
			case backlog <- pending{ch, tok}:
				return nil
			case <-ctx.Done():
				return nil
			case <-timer.C:
				return errTooSlow
			}
		})
	}()
	// Sending happens on its own goroutine too, so that a client that stopped reading
	// (its Send blocked on flow control) does not keep this one from ending the stream.
	sendErr := make(chan error, 1)
	go func() { sendErr <- h.sendChanges(ctx, stream, backlog, window) }()
	select {
	case err := <-feedErr:
		if err == nil || ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errTooSlow) {
			h.cfg.Log.Warn("picture watcher dropped: too slow", "zone", zone)
		}
		return toStatus(err)
	case err := <-sendErr:
		if ctx.Err() != nil {
			return nil
		}
		return err
	case <-ctx.Done():
		return nil
	}
}

// sendChanges turns each change from the backlog into a message with the zone's picture
// as it stands, and sends it.
func (h *Handler) sendChanges(ctx context.Context, stream gatewayv1.CoverageService_WatchOperationalPictureServer, backlog <-chan pending, window func() assess.Window) error {
	for {
		var p pending
		select {
		case <-ctx.Done():
			return nil
		case p = <-backlog:
		}
		msg, err := h.changeMessage(ctx, p, window())
		if err != nil {
			return toStatus(err)
		}
		if err := stream.Send(msg); err != nil {
			return err
		}
	}
}

// changeMessage is a stored change as sent: UPDATED with the zone's picture now, or
// REMOVED when the zone is gone (whatever the change said: the picture is as it stands).
func (h *Handler) changeMessage(ctx context.Context, p pending, w assess.Window) (*gatewayv1.WatchOperationalPictureResponse, error) {
	change := &gatewayv1.PictureChange{Zone: p.change.Zone, Causes: p.change.Causes, ChangeTime: timestamppb.New(p.change.Time),
		Type: gatewayv1.PictureChangeType_PICTURE_CHANGE_TYPE_REMOVED}
	if e, ok := h.cfg.Catalog.Get(p.change.Zone); ok {
		items, _ := h.actionItems(ctx, p.change.Zone)
		pics, err := h.pictures(ctx, []*zones.Entry{e}, w, h.now(), items)
		if err != nil {
			return nil, err
		}
		change.Type, change.Picture = gatewayv1.PictureChangeType_PICTURE_CHANGE_TYPE_UPDATED, pics[0]
	}
	return &gatewayv1.WatchOperationalPictureResponse{Change: change, ResumeToken: p.token}, nil
}
