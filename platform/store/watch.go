package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sort"

	"github.com/tansiq/tansiq/platform/apperr"
)

// position is what a resume token holds: the sequence number of the last change delivered.
// (Tokens of the earlier feed also carried a "last seen" bound; Safe is still the position.)
type position struct {
	Safe int64 `json:"s"`
	Last int64 `json:"l"`
}

func (p position) token() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Token is the resume token for the position just after the change with sequence seq.
func Token(seq int64) string { return position{Safe: seq, Last: seq}.token() }

func parsePosition(tok string) (position, error) {
	var p position
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) > 128 || json.Unmarshal(b, &p) != nil || p.Safe < 0 || p.Last < p.Safe {
		return p, ErrInvalidToken()
	}
	return p, nil
}

// ErrInvalidToken is the error for a resume token this stream did not issue.
func ErrInvalidToken() error {
	e := apperr.New(apperr.KindInvalidArgument, "INVALID_RESUME_TOKEN", "resume_token is not valid")
	e.Violations = []apperr.Violation{{Field: "resume_token", Description: "is not a token from this stream"}}
	return e
}

// ErrWatcherTooSlow ends a watch whose reader fell further behind the changes than the
// cache keeps (Timing.Ring): it resumes from the last token it received.
var ErrWatcherTooSlow = &apperr.Error{Kind: apperr.KindResourceExhausted, Reason: "WATCHER_TOO_SLOW",
	Message: "the watcher fell too far behind the changes: resume from the last resume_token received"}

// Follow calls send for every change after the position in token, then for new changes as
// they are committed, until ctx is done (nil) or send fails (its error). Without a token it
// starts with every live document (none when fromNow is set). It is served from the
// process's cache: every watcher reads the one follower's ring of recent changes, so a
// watcher costs the store nothing.
//
// Changes come in sequence order; the token passed with each resumes exactly after it.
// A position still in the ring is resumed change by change; an older one (or the empty
// token) first gets the current state of each document changed since, in sequence order
// (several changes to one document then arrive as one; deletions come as the document
// with Change "deleted"). Nothing at or before the position is sent again, except when
// the client did not keep the token of a change it received (at least once). send gets the
// cache's own document: it must not modify it. A watcher that falls behind the ring ends
// with ErrWatcherTooSlow; a token older than the log keeps is ErrResumeTokenExpired.
func (c *Collection[T]) Follow(ctx context.Context, token string, fromNow bool, send func(d *Doc[T], token string) error) error {
	var pos int64
	if token != "" {
		p, err := parsePosition(token)
		if err != nil {
			return err
		}
		pos = p.Safe
	}
	if err := c.ready(ctx); err != nil {
		return err
	}
	if token != "" && pos < c.horizon.Load() {
		return ErrResumeTokenExpired
	}
	if token == "" && fromNow {
		c.state.mu.RLock()
		pos = c.state.pos
		c.state.mu.RUnlock()
	}
	live := false
	for {
		c.state.mu.RLock()
		evs, behind := c.state.since(pos)
		wait := c.state.changed
		var snap []snapDoc[T]
		var top int64
		if behind && !live {
			snap, top = c.state.changedAfter(pos, token != "")
		}
		c.state.mu.RUnlock()
		switch {
		case behind && live:
			return ErrWatcherTooSlow
		case behind:
			for _, s := range snap {
				if err := send(s.doc, Token(s.doc.Seq)); err != nil {
					return err
				}
			}
			pos = top
			continue
		}
		live = true
		for _, ev := range evs {
			if ev.Doc != nil {
				if err := send(ev.Doc, Token(ev.Seq)); err != nil {
					return err
				}
			}
			pos = ev.Seq
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wait:
		}
	}
}

type snapDoc[T any] struct{ doc *Doc[T] }

// changedAfter returns the current state of every document changed after pos (with the
// deleted ones when deletions is set), in sequence order, and the position they bring the
// reader to.
func (s *cache[T]) changedAfter(pos int64, deletions bool) ([]snapDoc[T], int64) {
	var out []snapDoc[T]
	for _, d := range s.docs {
		if d.Seq > pos {
			out = append(out, snapDoc[T]{d})
		}
	}
	if deletions {
		for _, t := range s.gone {
			if t.Seq > pos {
				out = append(out, snapDoc[T]{&Doc[T]{Name: t.Name, Owner: t.Owner, Etag: t.Etag, Seq: t.Seq, Change: "deleted", RequestID: t.RequestID}})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].doc.Seq < out[j].doc.Seq })
	return out, s.pos
}
