package store

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Doc is the stored form of one resource: its body, the resource name as _id, and the
// bookkeeping that lets one document change atomically (etag, change sequence and the
// request ids already applied) on a store without transactions.
type Doc[T any] struct {
	Name string `bson:"_id"`
	// Owner is the force that owns the record ("forces/peshmerga"), for authorization.
	Owner string `bson:"owner"`
	Etag  string `bson:"etag"`
	// Seq orders changes across the collection; the watch streams follow it.
	Seq int64 `bson:"seq"`
	// Change names the last change ("created", "updated", a custom method's verb).
	Change string `bson:"change"`
	// RequestID is the request_id of the create (a random one when none was given),
	// unique in the collection; RequestHash fingerprints that request.
	RequestID   string `bson:"request_id"`
	RequestHash string `bson:"request_hash"`
	// Applied remembers the latest state-changing requests, so their retries are answered
	// from here and not applied twice.
	Applied    []Applied `bson:"applied,omitempty"`
	CreateTime time.Time `bson:"create_time"`
	UpdateTime time.Time `bson:"update_time"`
	Body       T         `bson:"body"`
}

// Applied is one remembered state-changing request.
type Applied struct {
	RequestID   string `bson:"id"`
	RequestHash string `bson:"hash"`
}

// maxApplied bounds the remembered requests per document: retries come within minutes,
// not after dozens of other changes.
const maxApplied = 32

func (d *Doc[T]) applied(requestID string) (Applied, bool) {
	for _, a := range d.Applied {
		if a.RequestID == requestID {
			return a, true
		}
	}
	return Applied{}, false
}

func (d *Doc[T]) remember(requestID, hash string) {
	if requestID == "" {
		return
	}
	d.Applied = append(d.Applied, Applied{RequestID: requestID, RequestHash: hash})
	if len(d.Applied) > maxApplied {
		d.Applied = d.Applied[len(d.Applied)-maxApplied:]
	}
}

// NewID returns a random identifier for resources and request ids.
func NewID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
