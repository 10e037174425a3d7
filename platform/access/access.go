// Package access is what handlers call to authorize a change: it takes the caller's
// identity from the context (put there by the authenticator), applies the per-force rules
// of package auth, and answers in the API's error vocabulary: PERMISSION_DENIED, or
// NOT_FOUND for a record the caller may not see.
package access

import (
	"context"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
)

type disabledKey struct{}

// Disable marks ctx as served without authorization: only for servers started with
// --insecure-no-auth (demos and tests), where every caller may do everything.
func Disable(ctx context.Context) context.Context {
	return context.WithValue(ctx, disabledKey{}, true)
}

func disabled(ctx context.Context) bool {
	v, _ := ctx.Value(disabledKey{}).(bool)
	return v
}

// Read authorizes reading a record owned by ownerForce; name is reported if it is hidden.
func Read(ctx context.Context, name, ownerForce string) error {
	if disabled(ctx) {
		return nil
	}
	id, _ := auth.FromContext(ctx)
	return toError(auth.CanRead(id, ownerForce), name)
}

// Change authorizes creating, changing or deleting a record owned by ownerForce.
func Change(ctx context.Context, name, ownerForce string) error {
	if disabled(ctx) {
		return nil
	}
	id, _ := auth.FromContext(ctx)
	return toError(auth.CanChange(id, ownerForce), name)
}

// Acknowledge authorizes acknowledging a joint record for force.
func Acknowledge(ctx context.Context, name, force string) error {
	if disabled(ctx) {
		return nil
	}
	id, _ := auth.FromContext(ctx)
	return toError(auth.CanAcknowledge(id, force), name)
}

// Caller returns the caller's identity; with authorization disabled it is an anonymous one.
func Caller(ctx context.Context) auth.Identity {
	id, ok := auth.FromContext(ctx)
	if !ok && disabled(ctx) {
		return auth.Identity{Subject: "anonymous", Role: auth.RoleCommander}
	}
	return id
}

// ActingForce is the force the caller speaks for: its token's force. With authorization
// disabled, fallback (e.g. the force named in the request) is used.
func ActingForce(ctx context.Context, fallback string) string {
	if id, ok := auth.FromContext(ctx); ok && id.Force != "" {
		return id.Force
	}
	if disabled(ctx) {
		return fallback
	}
	return ""
}

func toError(err error, name string) error {
	if err == nil {
		return nil
	}
	d, ok := auth.AsDenial(err)
	if !ok {
		return apperr.Internal(err)
	}
	if d.Hidden {
		return apperr.NotFound(name)
	}
	return &apperr.Error{Kind: apperr.KindPermissionDenied, Reason: d.Reason, Message: d.Message,
		Metadata: map[string]string{"resource": name}}
}
