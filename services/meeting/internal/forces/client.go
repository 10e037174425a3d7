// Package forces is the meeting service's client of the forces service: it answers the
// handler's Directory questions (do these people and units exist, which force is each in)
// with one BatchGetPeople or BatchGetUnits call, and turns a forces service that cannot
// answer into UNAVAILABLE.
package forces

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/dial"
	forcesv1 "github.com/tansiq/tansiq/proto/tansiq/forces/v1"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Retryable lists the forces service's methods its protos declare safe to retry: the
// connection retries them on UNAVAILABLE (platform/dial), within the caller's deadline.
var Retryable = dial.Retryable(forcesv1.ForcesService_ServiceDesc)

// dependency names the forces service in UNAVAILABLE errors.
const dependency = "forces service"

// Client looks people and units up in the forces service.
type Client struct {
	c forcesv1.ForcesServiceClient
}

// New returns a client over conn, a connection to the forces service (platform/dial).
func New(conn grpc.ClientConnInterface) *Client {
	return &Client{c: forcesv1.NewForcesServiceClient(conn)}
}

// People gets the named people in one call with the caller's ctx (deadline, trace and
// token travel along) and returns those found, by name, with their force.
func (c *Client) People(ctx context.Context, names []string) (map[string]domain.Member, []string, error) {
	resp, err := c.c.BatchGetPeople(ctx, &forcesv1.BatchGetPeopleRequest{Names: names})
	if err != nil {
		return nil, nil, failure(ctx, "BatchGetPeople", err)
	}
	found := make(map[string]domain.Member, len(resp.GetPeople()))
	for _, p := range resp.GetPeople() {
		found[p.GetName()] = domain.Member{Name: p.GetName(), Force: p.GetForce()}
	}
	return found, resp.GetMissingNames(), nil
}

// Units gets the named units in one call, as People does.
func (c *Client) Units(ctx context.Context, names []string) (map[string]domain.Member, []string, error) {
	resp, err := c.c.BatchGetUnits(ctx, &forcesv1.BatchGetUnitsRequest{Names: names})
	if err != nil {
		return nil, nil, failure(ctx, "BatchGetUnits", err)
	}
	found := make(map[string]domain.Member, len(resp.GetUnits()))
	for _, u := range resp.GetUnits() {
		found[u.GetName()] = domain.Member{Name: u.GetName(), Force: u.GetForce()}
	}
	return found, resp.GetMissingNames(), nil
}

// failure maps a failed call: a forces service that is down or too slow is UNAVAILABLE
// (a retry may succeed); the caller going away is the caller's context error; anything
// else is INTERNAL. The gRPC status is flattened into text (%v, not %w): apperr.ToStatus
// passes through any error that wraps a status, which would hand the forces service's code
// and message to this service's caller.
func failure(ctx context.Context, method string, err error) error {
	cause := fmt.Errorf("%s: %v", method, err)
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return apperr.Unavailable(dependency, cause)
	case codes.Canceled:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return apperr.Unavailable(dependency, cause)
	}
	return apperr.Internal(cause)
}
