package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tansiq/tansiq/platform/store"
	"github.com/tansiq/tansiq/platform/store/storetest"
	"github.com/tansiq/tansiq/services/incident/internal/domain"
)

// BenchmarkList measures a ListIncidents page of 50 from the cache (the store is not read)
// with 1,000 and 100,000 incidents: the first page newest first, the page after it, and
// the bench's filtered page (one governorate in a two-year window, about one incident in
// 12). A page should cost what it walks, so the 100,000 figures should stay within twice
// the 1,000 ones.
func BenchmarkList(b *testing.B) {
	const window = `governorate = "Nineveh" AND occur_time >= "2018-01-01T00:00:00Z" AND occur_time < "2020-01-01T00:00:00Z"`
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchIncidents(b, n)
			first, err := s.List(context.Background(), parse(b, ""), Sorts[0], nil, 51)
			if err != nil || len(first) != 51 {
				b.Fatalf("first page: %d, %v", len(first), err)
			}
			cur := Sorts[0].CursorOf(first[49])
			cases := []struct {
				name  string
				order store.Sort[domain.Incident]
				f     string
				after *store.Cursor
			}{
				{"first", Sorts[0], "", nil},
				{"second", Sorts[0], "", &cur},
				{"filtered", Sorts[0], window, nil},
				{"filtered-oldest-first", Sorts[1], window, nil},
				{"by-update-time", Sorts[2], "", nil},
			}
			for _, c := range cases {
				f := parse(b, c.f)
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						docs, err := s.List(context.Background(), f, c.order, c.after, 51)
						if err != nil || len(docs) != 51 {
							b.Fatalf("%d incidents, %v", len(docs), err)
						}
					}
				})
			}
		})
	}
}

// benchIncidents stores n incidents over 2016-2021, in four governorates in turn, straight
// into the materialised collection, and loads the cache from it (as a process with no
// snapshot does): storing them through the log would take minutes.
func benchIncidents(b *testing.B, n int) *Incidents {
	b.Helper()
	ctx := context.Background()
	s, err := New(ctx, storetest.DB(b))
	if err != nil {
		b.Fatal(err)
	}
	govs := []string{"Nineveh", "Kirkuk", "Diyala", "Saladin"}
	from := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 6 * 365 * 24 * time.Hour / time.Duration(n)
	const batch = 1000
	for i := 0; i < n; i += batch {
		var docs []any
		for j := i; j < min(i+batch, n); j++ {
			at := from.Add(time.Duration(j) * step).Truncate(time.Millisecond)
			body := domain.Incident{Kind: "INCIDENT_KIND_ARMED_ATTACK", Title: "t", OccurTime: at,
				Governorates: []string{govs[j%len(govs)]}, ReportingForce: "forces/peshmerga", State: domain.StateReported}
			docs = append(docs, &Doc{Name: fmt.Sprintf("incidents/b%06d", j), Seq: int64(j + 1), RequestID: fmt.Sprintf("r%d", j),
				Etag: "e", CreateTime: at, UpdateTime: at.Add(time.Duration(j%7) * time.Hour), Body: body})
		}
		if _, err := s.Mongo().InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Load(ctx); err != nil {
		b.Fatal(err)
	}
	return s
}
