package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// actor is who acts on this call, and the one place it is decided: the force the caller's
// verified identity speaks for (never a field of the request, so a force cannot act for
// another), and the person when the caller is one. What the actor may do is authorized
// centrally (platform/access).
func actor(ctx context.Context) domain.Actor {
	a := domain.Actor{Force: access.ActingForce(ctx, "")}
	if id := access.Caller(ctx); domain.IsPersonName(id.Subject) {
		a.Person = id.Subject
	}
	return a
}
