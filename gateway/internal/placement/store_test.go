package placement_test

import (
	"fmt"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/gateway/internal/gwtest"
	"github.com/tansiq/tansiq/gateway/internal/placement"
	"github.com/tansiq/tansiq/platform/store/storetest"
)

// many returns n placements, a third of them in Makhmour.
func many(n int) []*placement.Placement {
	out := make([]*placement.Placement, n)
	for i := range out {
		in := gwtest.Incident(fmt.Sprintf("incidents/i%06d-attack-on-the-makhmour-road", i), 35+float64(i)/1e5, 43.6, gwtest.At(12, 2, 19), int32(i%7))
		p := placement.FromIncident(in)
		if i%3 == 0 {
			p.Zones = []string{"zones/makhmour"}
		}
		out[i] = &p
	}
	return out
}

// A snapshot of more placements than one chunk holds loads back whole, and a newer one
// replaces it.
func TestSnapshotRoundTrip(t *testing.T) {
	ctx := gwtest.Context(t)
	db := storetest.DB(t)
	s, err := placement.NewStore(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := s.Load(ctx, placement.NewMemory()); err != nil || tok != "" {
		t.Fatalf("Load of no snapshot = %q, %v; want the start of the stream", tok, err)
	}
	ps := many(30_000)
	if err := s.Save(ctx, "41", ps[:10]); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "42", ps); err != nil {
		t.Fatal(err)
	}
	mem := placement.NewMemory()
	tok, err := s.Load(ctx, mem)
	if err != nil || tok != "42" || mem.Len() != len(ps) {
		t.Fatalf("Load = %q, %v, %d placements; want 42 and %d", tok, err, mem.Len(), len(ps))
	}
	for _, i := range []int{0, 1, 12_345, len(ps) - 1} {
		got, ok := mem.Get(ps[i].Name)
		if !ok || got.Title != ps[i].Title || !slices.Equal(got.Zones, ps[i].Zones) || !got.OccurTime.Equal(ps[i].OccurTime) ||
			got.Place.Point != ps[i].Place.Point || got.Casualties != ps[i].Casualties {
			t.Errorf("%s loaded as %+v", ps[i].Name, got)
		}
	}
	var chunks []string
	cur, err := db.Collection("placement_snap").Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		chunks = append(chunks, d.ID)
	}
	// The head and the newest snapshot's chunks (more than one): the first's are deleted.
	if len(chunks) < 3 {
		t.Errorf("stored %v, want the head and the chunks of one snapshot of several", chunks)
	}
	if err := s.Save(ctx, "43", ps[:5]); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Collection("placement_snap").CountDocuments(ctx, bson.D{}); err != nil || n != 2 {
		t.Errorf("%d documents after a small snapshot (%v), want the head and one chunk", n, err)
	}
}

// A snapshot whose chunk is corrupt is not used: the stream replays every incident.
func TestCorruptSnapshotReplaysEverything(t *testing.T) {
	ctx := gwtest.Context(t)
	db := storetest.DB(t)
	s, err := placement.NewStore(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, "7", many(10)); err != nil {
		t.Fatal(err)
	}
	res, err := db.Collection("placement_snap").UpdateOne(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: "head"}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "data", Value: []byte("not zstd")}}}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("corrupting a chunk: %v, %+v", err, res)
	}
	mem := placement.NewMemory()
	if tok, err := s.Load(ctx, mem); err != nil || tok != "" || mem.Len() != 0 {
		t.Errorf("Load of a corrupt snapshot = %q, %v, %d placements; want a replay from the start", tok, err, mem.Len())
	}
}
