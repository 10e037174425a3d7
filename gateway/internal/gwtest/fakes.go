package gwtest

import (
	"context"
	"strconv"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	meetingv1 "github.com/tansiq/tansiq/proto/tansiq/meeting/v1"
)

// Forces is a forces service that knows a fixed set of units (name -> force).
type Forces struct {
	forcesv1.UnimplementedForcesServiceServer
	Units map[string]string
	// Err, when set, is returned by every call (e.g. UNAVAILABLE).
	Err   error
	mu    sync.Mutex
	calls int
}

// BatchGetUnits returns the known units and names the others missing.
func (f *Forces) BatchGetUnits(_ context.Context, req *forcesv1.BatchGetUnitsRequest) (*forcesv1.BatchGetUnitsResponse, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if f.Err != nil {
		return nil, f.Err
	}
	resp := &forcesv1.BatchGetUnitsResponse{}
	for _, n := range req.GetNames() {
		if force, ok := f.Units[n]; ok {
			resp.Units = append(resp.Units, &forcesv1.Unit{Name: n, Force: force})
		} else {
			resp.MissingNames = append(resp.MissingNames, n)
		}
	}
	return resp, nil
}

// Calls returns how many calls the fake received.
func (f *Forces) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Meeting is a meeting service with fixed decisions and action items.
type Meeting struct {
	meetingv1.UnimplementedMeetingServiceServer
	Decisions map[string]bool
	Items     []*meetingv1.ActionItem
	Err       error
	mu        sync.Mutex
	filters   []string
}

// GetDecision returns a decision it knows, NOT_FOUND otherwise.
func (m *Meeting) GetDecision(_ context.Context, req *meetingv1.GetDecisionRequest) (*meetingv1.GetDecisionResponse, error) {
	if m.Err != nil {
		return nil, m.Err
	}
	if !m.Decisions[req.GetName()] {
		return nil, status.Error(codes.NotFound, req.GetName()+" not found")
	}
	return &meetingv1.GetDecisionResponse{Decision: &meetingv1.Decision{Name: req.GetName()}}, nil
}

// ListActionItems returns the items (all on one page) and records the filter asked for.
func (m *Meeting) ListActionItems(_ context.Context, req *meetingv1.ListActionItemsRequest) (*meetingv1.ListActionItemsResponse, error) {
	m.mu.Lock()
	m.filters = append(m.filters, req.GetFilter())
	m.mu.Unlock()
	if m.Err != nil {
		return nil, m.Err
	}
	return &meetingv1.ListActionItemsResponse{ActionItems: m.Items}, nil
}

// Filters returns the filters ListActionItems was called with.
func (m *Meeting) Filters() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.filters...)
}

// Incidents is an incident service whose WatchIncidents streams the changes added to it,
// with resume tokens that are positions in that list, as the real one resumes.
type Incidents struct {
	incidentv1.UnimplementedIncidentServiceServer
	mu      sync.Mutex
	changes []*incidentv1.Incident
	wake    chan struct{}
	tokens  []string
	failing int
}

// Add appends a change: the incident as it stands after it.
func (f *Incidents) Add(in *incidentv1.Incident) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes = append(f.changes, proto.Clone(in).(*incidentv1.Incident))
	if f.wake != nil {
		close(f.wake)
		f.wake = nil
	}
}

// FailNext makes the next n WatchIncidents calls fail with UNAVAILABLE.
func (f *Incidents) FailNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = n
}

// Tokens returns the resume tokens WatchIncidents was called with, in order.
func (f *Incidents) Tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.tokens...)
}

// WatchIncidents sends the changes after the resume token, then new ones as added.
func (f *Incidents) WatchIncidents(req *incidentv1.WatchIncidentsRequest, stream incidentv1.IncidentService_WatchIncidentsServer) error {
	f.mu.Lock()
	f.tokens = append(f.tokens, req.GetResumeToken())
	if f.failing > 0 {
		f.failing--
		f.mu.Unlock()
		return status.Error(codes.Unavailable, "incident service restarting")
	}
	f.mu.Unlock()
	next := 0
	if tok := req.GetResumeToken(); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil {
			return status.Error(codes.InvalidArgument, "resume_token is not valid")
		}
		next = n
	}
	for {
		f.mu.Lock()
		pending := f.changes[min(next, len(f.changes)):]
		if len(pending) == 0 && f.wake == nil {
			f.wake = make(chan struct{})
		}
		wake := f.wake
		f.mu.Unlock()
		for _, in := range pending {
			next++
			err := stream.Send(&incidentv1.WatchIncidentsResponse{ChangeType: incidentv1.ChangeType_CHANGE_TYPE_UPDATED,
				Incident: in, ResumeToken: strconv.Itoa(next)})
			if err != nil {
				return err
			}
		}
		if len(pending) > 0 {
			continue
		}
		select {
		case <-stream.Context().Done():
			return nil
		case <-wake:
		}
	}
}
