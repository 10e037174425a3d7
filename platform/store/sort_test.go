package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// TestSortPagesInOrder pages through every declared sort, two documents a page, and gets
// each document once in the sort's order, ties broken on the name in its direction; a
// cursor outlives the deletion of the document it was taken from.
func TestSortPagesInOrder(t *testing.T) {
	ctx := context.Background()
	c := store.NewCollection[note](storetest.DB(t), "notes")
	sorts := store.Sorts[note]{
		{OrderBy: "name"},
		{OrderBy: "text", Key: store.ByText(func(d *store.Doc[note]) string { return d.Body.Text })},
		{OrderBy: "text desc", Key: store.ByText(func(d *store.Doc[note]) string { return d.Body.Text })},
	}
	sorts.Declare(c)
	c.IndexBy("text", func(d *store.Doc[note]) []string { return []string{d.Body.Text} })
	if err := c.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{"notes/a": "b", "notes/b": "a", "notes/c": "b", "notes/d": "c", "notes/e": "a"}
	for name, text := range texts {
		if _, err := c.Create(ctx, &store.Doc[note]{Name: name, Body: note{Text: text}}); err != nil {
			t.Fatal(err)
		}
	}
	// Twenty more under another text, so that an index's few candidates are sorted rather
	// than the order walked: the where cases below take that path.
	for i := range 20 {
		if _, err := c.Create(ctx, &store.Doc[note]{Name: fmt.Sprintf("notes/z%02d", i), Body: note{Text: "z"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Load(ctx); err != nil {
		t.Fatal(err)
	}
	pages := func(s store.Sort[note], where []store.Key, deleteAfterFirst string) []string {
		var got []string
		var after *store.Cursor
		for range 20 {
			sel := s.Selector(after, 2)
			sel.Where = where
			docs, err := c.List(ctx, sel)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				got = append(got, fmt.Sprintf("%s=%s", d.Name, d.Body.Text))
			}
			if len(docs) < 2 {
				return got
			}
			cur := s.CursorOf(docs[len(docs)-1])
			after = &cur
			if deleteAfterFirst != "" {
				if err := c.Remove(ctx, store.Removal{Name: docs[len(docs)-1].Name}, nil); err != nil {
					t.Fatal(err)
				}
				deleteAfterFirst = ""
			}
		}
		t.Fatal("paging does not end")
		return nil
	}
	var fillers []string
	for i := range 20 {
		fillers = append(fillers, fmt.Sprintf("notes/z%02d=z", i))
	}
	reversed := func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s }
	for _, tt := range []struct {
		order  string
		where  []store.Key
		delete bool
		want   []string
	}{
		{"name", nil, false, append([]string{"notes/a=b", "notes/b=a", "notes/c=b", "notes/d=c", "notes/e=a"}, fillers...)},
		{"text", nil, false, append([]string{"notes/b=a", "notes/e=a", "notes/a=b", "notes/c=b", "notes/d=c"}, fillers...)},
		{"text desc", nil, false, append(reversed(fillers), "notes/d=c", "notes/c=b", "notes/a=b", "notes/e=a", "notes/b=a")},
		// The candidates of an index are sorted, and the cursor holds there too.
		{"text", []store.Key{{Index: "text", Value: "b"}}, false, []string{"notes/a=b", "notes/c=b"}},
		{"text desc", []store.Key{{Index: "text", Value: "a"}}, false, []string{"notes/e=a", "notes/b=a"}},
		// The last document of the first page is deleted before the second page is read.
		{"text desc", nil, true, append(reversed(fillers), "notes/d=c", "notes/c=b", "notes/a=b", "notes/e=a", "notes/b=a")},
		{"text", []store.Key{{Index: "text", Value: "a"}}, true, []string{"notes/b=a", "notes/e=a"}},
	} {
		if got := pages(sorts.Get(tt.order), tt.where, map[bool]string{true: "x"}[tt.delete]); !slices.Equal(got, tt.want) {
			t.Errorf("%s %v: got %v, want %v", tt.order, tt.where, got, tt.want)
		}
	}
	if got := sorts.Names(); !slices.Equal(got, []string{"name", "text", "text desc"}) {
		t.Errorf("Names() = %v", got)
	}
	if got := sorts.Get("nothing").OrderBy; got != "name" {
		t.Errorf("Get of an unknown order = %q, want the default", got)
	}
}
