package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

// owned wraps mutate, a store.Update or store.Remove callback, so that it runs only for a
// caller allowed to change the record: an operator of the force that owns it. The check
// is made on the very version the store is about to replace or delete, so the check and
// the write cannot see different records, and a refused call writes nothing. It comes
// before the etag (taken out of the store's own check for that reason) and any rule of the
// change are looked at, so a refused caller learns nothing from the answer. *checked
// reports whether the store ran it: the store answers a retry of an applied request
// without it, and such an answer must be authorized after the fact (see retried).
func owned[T any](ctx context.Context, etag string, checked *bool, mutate func(*store.Doc[T]) error) func(*store.Doc[T]) error {
	return func(d *store.Doc[T]) error {
		if err := access.Change(ctx, d.Name, d.Owner); err != nil {
			return err
		}
		*checked = true
		if etag != "" && etag != d.Etag {
			return apperr.EtagMismatch(d.Name)
		}
		if mutate == nil {
			return nil
		}
		return mutate(d)
	}
}

// retried authorizes the answer to a retry that the store gave without calling owned's
// callback: a request another force applied is not replayed to the caller as its own.
func retried[T any](ctx context.Context, checked bool, d *store.Doc[T]) error {
	if checked {
		return nil
	}
	return access.Change(ctx, d.Name, d.Owner)
}
