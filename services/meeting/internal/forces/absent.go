package forces

import (
	"context"
	"errors"

	"github.com/tansiq/tansiq/platform/apperr"
	"github.com/tansiq/tansiq/services/meeting/internal/domain"
)

// Absent answers for a forces service that is not configured (an empty --forces-addr, as
// when the local stack runs without it): every look-up is UNAVAILABLE, so nothing naming
// people or units is stored unchecked.
type Absent struct{}

var errNotConfigured = errors.New("no --forces-addr configured")

// People is always UNAVAILABLE.
func (Absent) People(context.Context, []string) (map[string]domain.Member, []string, error) {
	return nil, nil, apperr.Unavailable(dependency, errNotConfigured)
}

// Units is always UNAVAILABLE.
func (Absent) Units(context.Context, []string) (map[string]domain.Member, []string, error) {
	return nil, nil, apperr.Unavailable(dependency, errNotConfigured)
}
