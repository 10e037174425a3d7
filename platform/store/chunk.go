package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Chunk is one piece of a snapshot: records laid end to end, zstd-compressed, in one
// binary value under an _id. Snapshots are stored as a few large chunks read by _id
// because _id equality is all FerretDB's SQLite backend pushes down: any other filter
// reads and decodes the whole collection, and decoding a few large strings costs the
// store far less than decoding every record as a document. The collection snapshots
// (snapshot.go) and the gateway's placement snapshots store their chunks this way.
type Chunk struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

// ChunkID is the _id of chunk i of generation gen: "<gen>/<i>", i zero-padded so the
// chunks of a generation sort in order.
func ChunkID(gen string, i int) string { return fmt.Sprintf("%s/%06d", gen, i) }

// ErrChunkCorrupt: a chunk's data does not match its checksum or does not decompress.
var ErrChunkCorrupt = errors.New("chunk corrupt")

// Chunks are compressed with zstd (records repeat field names and values): less for the
// store to write, keep and decode.
var (
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
		return d
	})
)

// PackChunk compresses raw, appending to dst[:0] (a buffer to reuse, or nil), and returns
// the packed bytes (a Chunk's Data) and their SHA-256, which the snapshot's head keeps so
// that UnpackChunk can tell a damaged chunk from a good one.
func PackChunk(raw, dst []byte) (data, sum []byte) {
	data = zstdEncoder().EncodeAll(raw, dst[:0])
	s := sha256.Sum256(data)
	return data, s[:]
}

// UnpackChunk checks data against sum (from PackChunk) and decompresses it; an error
// wraps ErrChunkCorrupt.
func UnpackChunk(data, sum []byte) ([]byte, error) {
	if s := sha256.Sum256(data); !bytes.Equal(s[:], sum) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrChunkCorrupt)
	}
	raw, err := zstdDecoder().DecodeAll(data, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrChunkCorrupt, err)
	}
	return raw, nil
}
