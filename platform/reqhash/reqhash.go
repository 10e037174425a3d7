// Package reqhash fingerprints requests for request_id idempotency (AIP-155): two requests
// hash alike when they are equal but for their request_id.
package reqhash

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// unhashablePrefix marks the digest of a request that cannot be marshalled.
const unhashablePrefix = "unhashable:"

// Of returns a stable digest of req with its top-level request_id cleared.
func Of(req proto.Message) string {
	m := proto.Clone(req)
	if f := m.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name("request_id")); f != nil {
		m.ProtoReflect().Clear(f)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		// Only an invalid message fails to marshal. Its digest is unique, so it matches no
		// stored hash and no other unhashable request: a replay of it is never mistaken for
		// a retry of something else.
		return unhashablePrefix + rand.Text()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
