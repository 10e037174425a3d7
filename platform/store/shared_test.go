package store_test

import (
	"context"
	"testing"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestGetSharesTheCachedDocument: a read returns the cache's own document, with no copy
// and no allocation, and a change replaces that document rather than modifying it, so a
// reader holding the old one keeps a consistent state.
func TestGetSharesTheCachedDocument(t *testing.T) {
	ctx := context.Background()
	c := store.NewCollection[note](storetest.DB(t), "notes")
	c.OrderBy("by_name", func(a, b *store.Doc[note]) bool { return a.Name < b.Name })
	if err := c.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, &store.Doc[note]{Name: "notes/a", Body: note{"first"}}); err != nil {
		t.Fatal(err)
	}
	first, err := c.Get(ctx, "notes/a")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := c.Get(ctx, "notes/a"); again != first {
		t.Fatal("two reads returned different documents: Get copies")
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = c.Get(ctx, "notes/a") }); n != 0 {
		t.Fatalf("Get allocates %v times per read, want 0", n)
	}
	if _, err := c.Update(ctx, store.Change{Name: "notes/a", Verb: "updated"}, func(d *store.Doc[note]) error {
		d.Body.Text = "second"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	now, err := c.Get(ctx, "notes/a")
	if err != nil {
		t.Fatal(err)
	}
	if now == first || now.Body.Text != "second" || first.Body.Text != "first" {
		t.Fatalf("after an update: old %q, new %q (same document: %v); want the old one kept as it was", first.Body.Text, now.Body.Text, now == first)
	}
	page, err := c.List(ctx, store.Selector[note]{Order: "by_name"})
	if err != nil || len(page) != 1 || page[0] != now {
		t.Fatalf("List returned %v (err %v), want the cached document", page, err)
	}
}
