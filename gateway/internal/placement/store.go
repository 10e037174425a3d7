package placement

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/tansiq/tansiq/platform/store"
)

// Store keeps snapshots of the placements in the gateway's database: every placement in
// memory, with the incident stream's resume token it was taken at, as BSON records laid
// end to end in zstd-compressed chunks of about chunkBytes, one binary value per chunk
// document keyed by _id ("<generation>/<index>"), under one head document that names the
// generation, the token and each chunk's checksum. Loading is a few reads by _id (one
// scan of a placement collection cost the embedded store 0.25 ms of CPU per placement,
// and each placement written 0.9 ms); writing is a few inserts, chunks first and the
// head last, so a head never names a chunk not yet written.
type Store struct {
	snaps *mongo.Collection
	log   *slog.Logger
	mu    sync.Mutex // one Save at a time
	// last is the head this process last wrote: its chunks are deleted with the next.
	last head
}

const (
	collection = "placement_snap"
	headID     = "head"
	// chunkBytes is the size a chunk's records are filled to before compression (one
	// record may take it past): far below MongoDB's 16 MiB document limit.
	chunkBytes = 4 << 20
	// loadTries bounds the reads of a snapshot whose chunks a newer one's writer deleted
	// while it was read.
	loadTries = 3
)

// legacy are the collections of the placements' earlier form, a document per incident
// and a resume token, no longer read.
var legacy = []string{"placements", "cursors"}

type head struct {
	ID     string     `bson:"_id"`
	Gen    string     `bson:"gen"`
	Token  string     `bson:"token"`
	Count  int        `bson:"count"`
	Chunks []chunkRef `bson:"chunks"`
	Time   time.Time  `bson:"time"`
}

// chunkRef describes one chunk: how many records it holds and its encoding's SHA-256.
type chunkRef struct {
	Records int    `bson:"records"`
	Sum     []byte `bson:"sum"`
}

// NewStore returns the store over db, dropping the collections of the earlier form.
func NewStore(ctx context.Context, db *mongo.Database, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.Default()
	}
	for _, name := range legacy {
		if err := db.Collection(name).Drop(ctx); err != nil {
			return nil, fmt.Errorf("drop %s: %w", name, err)
		}
	}
	return &Store{snaps: db.Collection(collection), log: log}, nil
}

// errMoved: a chunk of the head read is gone, deleted by the writer of a newer snapshot.
var errMoved = errors.New("snapshot replaced while read")

// Load puts the newest snapshot's placements in mem and returns its resume token: ""
// (the start of the stream) when there is none, or when it cannot be read whole (a
// corrupt chunk), after a warning: the stream then replays every incident.
func (s *Store) Load(ctx context.Context, mem *Memory) (string, error) {
	for range loadTries {
		h, ps, err := s.read(ctx)
		if errors.Is(err, errMoved) {
			continue
		}
		var bad corrupt
		if errors.As(err, &bad) {
			s.log.Warn("placement snapshot unreadable; replaying every incident", "error", err)
			return "", nil
		}
		if err != nil || h == nil {
			return "", err
		}
		for _, p := range ps {
			mem.Put(p)
		}
		return h.Token, nil
	}
	return "", fmt.Errorf("load placements: %w %d times", errMoved, loadTries)
}

type corrupt struct{ error }

func (s *Store) read(ctx context.Context) (*head, []Placement, error) {
	var h head
	err := s.snaps.FindOne(ctx, bson.D{{Key: "_id", Value: headID}}).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read placement snapshot: %w", err)
	}
	ps := make([]Placement, 0, h.Count)
	for i, ref := range h.Chunks {
		var c store.Chunk
		err := s.snaps.FindOne(ctx, bson.D{{Key: "_id", Value: store.ChunkID(h.Gen, i)}}).Decode(&c)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, nil, errMoved
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read placement snapshot: %w", err)
		}
		raw, err := store.UnpackChunk(c.Data, ref.Sum)
		if err != nil {
			return nil, nil, corrupt{fmt.Errorf("chunk %s: %w", c.ID, err)}
		}
		if ps, err = decode(raw, ref.Records, ps); err != nil {
			return nil, nil, corrupt{fmt.Errorf("chunk %s: %w", c.ID, err)}
		}
	}
	return &h, ps, nil
}

// decode appends the n records of raw to ps.
func decode(raw []byte, n int, ps []Placement) ([]Placement, error) {
	for range n {
		if len(raw) < 4 {
			return nil, errors.New("records cut short")
		}
		size := int(binary.LittleEndian.Uint32(raw))
		if size < 5 || size > len(raw) {
			return nil, errors.New("bad record length")
		}
		var p Placement
		if err := store.Unmarshal(raw[:size], &p); err != nil {
			return nil, err
		}
		ps = append(ps, p)
		raw = raw[size:]
	}
	if len(raw) != 0 {
		return nil, errors.New("records beyond the count")
	}
	return ps, nil
}

// Save writes a snapshot of ps taken at token, then deletes the chunks of the snapshot it
// replaces and of the one this process wrote before (a process loading either retries
// with the newest head). Several replicas may save at once: the head is replaced whole,
// and each names chunks of its own generation.
func (s *Store) Save(ctx context.Context, token string, ps []*Placement) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var prev head
	err := s.snaps.FindOne(ctx, bson.D{{Key: "_id", Value: headID}}).Decode(&prev)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("save placements: %w", err)
	}
	h := head{ID: headID, Gen: store.NewID(), Token: token, Count: len(ps), Time: time.Now().UTC()}
	if err := s.writeChunks(ctx, &h, ps); err != nil {
		s.deleteChunks(ctx, h.Gen, len(h.Chunks))
		return fmt.Errorf("save placements: %w", err)
	}
	if _, err := s.snaps.ReplaceOne(ctx, bson.D{{Key: "_id", Value: headID}}, h, options.Replace().SetUpsert(true)); err != nil {
		return fmt.Errorf("save placements: %w", err) // the head may have been written: its chunks stay
	}
	if prev.Gen != "" {
		s.deleteChunks(ctx, prev.Gen, len(prev.Chunks))
	}
	if s.last.Gen != "" && s.last.Gen != prev.Gen {
		s.deleteChunks(ctx, s.last.Gen, len(s.last.Chunks))
	}
	s.last = h
	return nil
}

// writeChunks encodes ps into chunks of about chunkBytes, inserting each as it is filled
// and recording it in h.
func (s *Store) writeChunks(ctx context.Context, h *head, ps []*Placement) error {
	var buf, packed []byte
	records := 0
	flush := func() error {
		var sum []byte
		packed, sum = store.PackChunk(buf, packed)
		h.Chunks = append(h.Chunks, chunkRef{Records: records, Sum: sum})
		if _, err := s.snaps.InsertOne(ctx, store.Chunk{ID: store.ChunkID(h.Gen, len(h.Chunks)-1), Data: packed}); err != nil {
			return err
		}
		buf, records = buf[:0], 0
		return nil
	}
	for _, p := range ps {
		rec, err := bson.Marshal(p)
		if err != nil {
			return err
		}
		buf = append(buf, rec...)
		records++
		if len(buf) >= chunkBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if records > 0 || len(h.Chunks) == 0 {
		return flush()
	}
	return nil
}

// deleteChunks deletes the n chunks of gen by _id, best effort (one left behind only
// takes space).
func (s *Store) deleteChunks(ctx context.Context, gen string, n int) {
	ctx = context.WithoutCancel(ctx)
	for i := range n {
		if _, err := s.snaps.DeleteOne(ctx, bson.D{{Key: "_id", Value: store.ChunkID(gen, i)}}); err != nil {
			return
		}
	}
}
