// Package requestid scopes AIP-155 request ids to the caller who sends them. Stored
// request ids are unique per collection, so an id taken by one caller would make another
// caller's create with the same id fail with REQUEST_ID_REUSED (issue 13, row 7): one
// force could block the other's writes by guessing its ids. Scoping happens once, in a
// server interceptor, before any handler or store sees the id.
package requestid

import (
	"context"
	"crypto/sha256"
	"encoding/base32"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/reqcheck"
)

// fieldName is the AIP-155 field every creating or state-changing request carries.
const fieldName = "request_id"

// Scoped is the id stored for a caller's request id: a digest of the caller's subject and
// the id, so equal ids from two callers never meet and a retry by the same caller always
// finds its first result. It has the form reqcheck accepts ("r" and 40 base32 characters).
func Scoped(subject, id string) string {
	sum := sha256.Sum256([]byte(subject + "\x00" + id))
	return "r" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:25])
}

// Unary returns the interceptor that replaces a request's well-formed request_id by
// Scoped(caller's subject, request_id); a malformed one is left for the handler to refuse. It runs after authentication; a call without an
// identity (a server without authentication) is scoped to the empty subject.
func Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		m, ok := req.(proto.Message)
		if !ok {
			return h(ctx, req)
		}
		r := m.ProtoReflect()
		f := r.Descriptor().Fields().ByName(fieldName)
		if f == nil || f.Kind() != protoreflect.StringKind || f.IsList() {
			return h(ctx, req)
		}
		var v apperr.Violations
		if id := r.Get(f).String(); id != "" {
			if reqcheck.RequestID(&v, id); v.Err() != nil {
				return h(ctx, req) // malformed: left as sent, for the handler to refuse
			}
			caller, _ := auth.FromContext(ctx)
			// A copy: the audit trail, which holds the request as received, records the id
			// the caller sent.
			scoped := proto.Clone(m)
			scoped.ProtoReflect().Set(f, protoreflect.ValueOfString(Scoped(caller.Subject, id)))
			return h(ctx, scoped)
		}
		return h(ctx, req)
	}
}
