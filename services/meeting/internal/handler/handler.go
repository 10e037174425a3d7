package handler

import (
	"time"

	"google.golang.org/grpc"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/pagetoken"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
	meetingstore "github.com/tansiq/tansiq/services/meeting/internal/store"
)

// errorDomain is the google.rpc.ErrorInfo domain of this service's errors.
const errorDomain = "tansiq.meeting"

// Handler implements MeetingService.
type Handler struct {
	meetingv1.UnimplementedMeetingServiceServer
	meetings    *meetingstore.Meetings
	decisions   *meetingstore.Decisions
	actionItems *meetingstore.ActionItems
	dir         Directory
	tokens      *pagetoken.Codec
	now         func() time.Time
	// lookupTimeout bounds each call to the directory (see lookup).
	lookupTimeout time.Duration
}

// New returns the handler over the given store, checking people and units with dir.
func New(s *meetingstore.Store, dir Directory, tokens *pagetoken.Codec) *Handler {
	return &Handler{
		meetings: s.Meetings, decisions: s.Decisions, actionItems: s.ActionItems,
		dir: dir, tokens: tokens, now: time.Now, lookupTimeout: defaultLookupTimeout,
	}
}

// Register adds the service to a gRPC server.
func (h *Handler) Register(s *grpc.Server) { meetingv1.RegisterMeetingServiceServer(s, h) }

// stamp is the current time as the store keeps it, to the millisecond, so a response never
// shows a finer time than a later read returns.
func (h *Handler) stamp() time.Time { return h.now().UTC().Truncate(time.Millisecond) }

func toStatus(err error) error { return apperr.ToStatus(err, errorDomain) }
