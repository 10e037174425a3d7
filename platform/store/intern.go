package store

import (
	"hash/maphash"
	"reflect"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Registry decodes BSON as the driver's default registry does, except that a short string
// equal to one decoded recently is the same string in memory. A cache holds every record
// of a collection decoded, and most of a record's short strings repeat from record to
// record (a kind, a state, a district, an owner): without sharing them, each is an object
// of its own, which the garbage collector marks on every cycle for as long as the record
// is cached. Go strings cannot be changed, so sharing one is invisible to whoever holds
// it. The collections whose records are cached decode with it (their log, documents and
// tombstones, and Unmarshal for snapshots); so does the gateway's placement memory.
var Registry = newInternRegistry()

// Unmarshal is bson.Unmarshal with Registry: data is one BSON document.
func Unmarshal(data []byte, v any) error {
	return bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: data}.UnmarshalWithRegistry(Registry, v)
}

// maxShared is the longest string shared: longer ones (titles, descriptions) seldom
// repeat, and hashing them would cost more than it saves.
const maxShared = 48

func newInternRegistry() *bson.Registry {
	// The default decoder comes from a registry of its own: a registry keeps what a look-up
	// found, so looking it up in r would make r keep it for string too.
	def, err := bson.NewRegistry().LookupDecoder(reflect.TypeFor[string]())
	if err != nil {
		panic(err)
	}
	r := bson.NewRegistry()
	r.RegisterKindDecoder(reflect.String, bson.ValueDecoderFunc(func(dc bson.DecodeContext, vr bson.ValueReader, val reflect.Value) error {
		if vr.Type() != bson.TypeString || !val.CanSet() {
			return def.DecodeValue(dc, vr, val) // what else decodes into a string, or the error
		}
		s, err := vr.ReadString()
		if err != nil {
			return err
		}
		if s != "" && len(s) <= maxShared {
			s = shared.intern(s)
		}
		val.SetString(s)
		return nil
	}))
	return r
}

// internTable is a fixed number of slots, each holding the last string that hashed to it:
// a string that repeats finds itself there and is returned instead of its copy; one that
// does not only takes a slot until another string needs it. Its memory is bounded
// whatever is decoded, and a string is kept alive by it at most until its slot is reused.
type internTable struct {
	mu    sync.Mutex
	seed  maphash.Seed
	slots [4096]string
}

var shared = &internTable{seed: maphash.MakeSeed()}

func (t *internTable) intern(s string) string {
	i := maphash.String(t.seed, s) % uint64(len(t.slots))
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.slots[i] == s {
		return t.slots[i]
	}
	t.slots[i] = s
	return s
}
