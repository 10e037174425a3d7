package limits

import (
	"context"

	"github.com/tansiq/tansiq/platform/auth"
)

// anonymous is the one budget every call without an identity counts against (open methods
// such as reflection, or a server running without authentication).
const anonymous = "anonymous"

// callerOf names who a call counts against: the subject of the verified token, or the
// shared anonymous budget. Anonymous calls are not told apart by address: a caller could
// spread over addresses at will, and they must never use up the budget of token holders
// behind the same address (issue 13, row 8).
func callerOf(ctx context.Context) string {
	if id, ok := auth.FromContext(ctx); ok && id.Subject != "" {
		return "subject:" + id.Subject
	}
	return anonymous
}
