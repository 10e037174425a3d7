package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/tansiq/tansiq/platform/apperr"
)

// Feed settings. A sequence number is taken before its write, and the write is bounded by
// writeTimeout, so once a change with sequence s has been seen for settle, every change
// numbered below s is either stored or abandoned: the cursor can safely pass it.
const (
	feedPoll   = 200 * time.Millisecond
	feedBatch  = 500
	feedSettle = writeTimeout + time.Second
)

// position is what a resume token holds: every change at or below Safe was delivered;
// changes in (Safe, Last] may have been, and are delivered again on resume (at least once).
type position struct {
	Safe int64 `json:"s"`
	Last int64 `json:"l"`
}

func (p position) token() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parsePosition(tok string) (position, error) {
	var p position
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) > 128 || json.Unmarshal(b, &p) != nil || p.Safe < 0 || p.Last < p.Safe {
		e := apperr.New(apperr.KindInvalidArgument, "INVALID_RESUME_TOKEN", "resume_token is not valid")
		e.Violations = []apperr.Violation{{Field: "resume_token", Description: "is not a token from this stream"}}
		return p, e
	}
	return p, nil
}

// Follow calls send for every stored change after the position in token (all stored
// documents when token is empty, none before now when fromNow is set), then for new
// changes as they are stored, until ctx is done or send fails. Documents come in change
// sequence order, each in its latest state: several quick changes to one document may
// arrive as one. Delivery is at least once; the token passed with each document resumes
// after it. It reads only the store, so any replica can serve any client.
func (c *Collection[T]) Follow(ctx context.Context, token string, fromNow bool, send func(d *Doc[T], token string) error) error {
	var pos position
	switch {
	case token != "":
		p, err := parsePosition(token)
		if err != nil {
			return err
		}
		pos = p
	case fromNow:
		cur, err := c.CurrentSeq(ctx)
		if err != nil {
			return failed(ctx, "current seq", err)
		}
		pos = position{Safe: cur, Last: cur}
	}
	seen := map[int64]time.Time{} // delivered sequence numbers above pos.Safe, and when
	tick := time.NewTicker(feedPoll)
	defer tick.Stop()
	for {
		docs, err := c.Find(ctx, bson.D{{Key: "seq", Value: bson.D{{Key: "$gt", Value: pos.Safe}}}},
			bson.D{{Key: "seq", Value: 1}}, feedBatch)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		now := time.Now()
		for _, d := range docs {
			if _, ok := seen[d.Seq]; ok {
				continue
			}
			seen[d.Seq] = now
			if d.Seq > pos.Last {
				pos.Last = d.Seq
			}
			if err := send(d, pos.token()); err != nil {
				return err
			}
		}
		pos.Safe = advance(pos.Safe, seen, now)
		if len(docs) == feedBatch {
			continue // more waiting: no pause
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// advance moves the safe cursor to the highest sequence seen at least feedSettle ago and
// forgets what lies below it.
func advance(safe int64, seen map[int64]time.Time, now time.Time) int64 {
	next := safe
	for s, at := range seen {
		if now.Sub(at) >= feedSettle && s > next {
			next = s
		}
	}
	for s := range seen {
		if s <= next {
			delete(seen, s)
		}
	}
	return next
}
