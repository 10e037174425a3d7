package changes

import (
	"encoding/base64"
	"encoding/json"

	"github.com/tansiq/tansiq/platform/apperr"
)

// position is what a resume token of this feed holds: the store's own feed token, when a
// change has been delivered from it; the sequence number of the last change the holder
// has seen, which tells whether pruning has passed it; and the floor, the position the
// holder started from (a snapshot's), at or below which nothing is sent again.
type position struct {
	Feed  string `json:"f,omitempty"`
	Seq   int64  `json:"s"`
	Floor int64  `json:"b,omitempty"`
}

func (p position) token() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ErrInvalidToken is the error for a resume token this feed did not issue.
var ErrInvalidToken = apperr.New(apperr.KindInvalidArgument, "INVALID_RESUME_TOKEN", "resume_token is not valid")

func parseToken(tok string) (position, error) {
	var p position
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) > 512 || json.Unmarshal(b, &p) != nil || p.Seq < 0 || p.Floor < 0 || p.Floor > p.Seq {
		return position{}, ErrInvalidToken
	}
	return p, nil
}
