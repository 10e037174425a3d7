package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/platform/store"
)

// authorize says whether the caller may make a change to the stored version d: nil, or the
// refusal to answer with.
type authorize[T any] func(d *store.Doc[T]) error

// byOwner lets only operators of the force that owns the record change it.
func byOwner[T any](ctx context.Context) authorize[T] {
	return func(d *store.Doc[T]) error { return access.Change(ctx, d.Name, d.Owner) }
}

// guarded wraps mutate, a store.Update callback, so that it runs only for a caller allowed
// by may. The check is made on the very version the store is about to replace, so the
// check and the write cannot see different records, and a refused call writes nothing. It
// comes before the etag (taken out of the store's own check for that reason) and any rule
// of the change are looked at, so a refused caller learns nothing from the answer.
// *checked reports whether the store ran it: the store answers a retry of an applied
// request without it, and that answer is authorized by retried.
func guarded[T any](may authorize[T], etag string, checked *bool, mutate func(*store.Doc[T]) error) func(*store.Doc[T]) error {
	return func(d *store.Doc[T]) error {
		if err := may(d); err != nil {
			return err
		}
		*checked = true
		if etag != "" && etag != d.Etag {
			return apperr.EtagMismatch(d.Name)
		}
		return mutate(d)
	}
}

// retried authorizes the answer to a retry that the store gave without calling guarded's
// callback: a request another force made is not replayed to the caller as its own.
func retried[T any](may authorize[T], checked bool, d *store.Doc[T]) error {
	if checked || d == nil {
		return nil
	}
	return may(d)
}

// readable keeps the records of a page the caller may see; the others are left out as if
// they did not exist (the page token still moves past them).
func readable[T any](ctx context.Context, docs []*store.Doc[T]) []*store.Doc[T] {
	out := docs[:0:0]
	for _, d := range docs {
		if access.Read(ctx, d.Name, d.Owner) == nil {
			out = append(out, d)
		}
	}
	return out
}
