package store

import (
	"strings"
	"testing"
	"unsafe"

	"go.mongodb.org/mongo-driver/v2/bson"
)

type internProbe struct {
	Kind  string   `bson:"kind"`
	State myState  `bson:"state"`
	Tags  []string `bson:"tags"`
	Long  string   `bson:"long"`
}

type myState string

// TestUnmarshalSharesRepeatedShortStrings: two records decoded with Unmarshal hold their
// equal short strings (fields, named string types, slice elements) once in memory, equal
// to what bson.Unmarshal decodes; long strings stay their own.
func TestUnmarshalSharesRepeatedShortStrings(t *testing.T) {
	long := strings.Repeat("x", maxShared+1)
	rec := func() []byte {
		b, err := bson.Marshal(internProbe{Kind: "INCIDENT_KIND_IED", State: "STATE_REPORTED", Tags: []string{"Nineveh"}, Long: long})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var a, b, plain internProbe
	for _, d := range []struct {
		v   *internProbe
		dec func([]byte, any) error
	}{{&a, Unmarshal}, {&b, Unmarshal}, {&plain, bson.Unmarshal}} {
		if err := d.dec(rec(), d.v); err != nil {
			t.Fatal(err)
		}
	}
	if a.Kind != plain.Kind || a.State != plain.State || a.Tags[0] != plain.Tags[0] || a.Long != plain.Long {
		t.Fatalf("decoded %+v, bson.Unmarshal decodes %+v", a, plain)
	}
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	if !same(a.Kind, b.Kind) || !same(string(a.State), string(b.State)) || !same(a.Tags[0], b.Tags[0]) {
		t.Errorf("equal short strings of two records are separate copies")
	}
	if same(a.Long, b.Long) {
		t.Errorf("a string over %d bytes was shared", maxShared)
	}
}
