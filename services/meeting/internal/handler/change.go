package handler

import (
	"context"

	"github.com/tansiq/tansiq/platform/access"
	"github.com/tansiq/tansiq/platform/store"
)

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
