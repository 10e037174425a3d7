package apperr

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind classifies a failure by what the caller can do about it.
type Kind int

// The kinds of failure, each mapped to one canonical gRPC code in ToStatus.
const (
	KindInternal           Kind = iota // a bug or an unexpected store failure: not the caller's fault
	KindInvalidArgument                // bad input: see the violations
	KindNotFound                       // no such record (or one the caller may not see)
	KindAlreadyExists                  // a record with that name exists
	KindFailedPrecondition             // the record is in the wrong state for the call
	KindAborted                        // etag mismatch: re-read and retry
	KindPermissionDenied               // the caller may not do this
	KindUnauthenticated                // no or bad credentials
	KindUnavailable                    // a dependency is down: a retry may succeed
	KindResourceExhausted              // a limit was hit
	KindDeadlineExceeded               // the caller's deadline passed
	KindOutOfRange                     // a position (resume token) past what is kept: start again
)

// Violation names one bad field of a request and says what is wrong with it.
type Violation struct {
	Field       string // path in the request, e.g. "incident.place.point.latitude"
	Description string
}

// Error is a failure the API reports to callers. Message is safe to show to them;
// Reason is a stable UPPER_SNAKE_CASE identifier clients may switch on.
type Error struct {
	Kind       Kind
	Reason     string
	Message    string
	Violations []Violation
	Metadata   map[string]string
	// RetryAfter, when set, is sent as google.rpc.RetryInfo.
	RetryAfter time.Duration
	// Cause is logged, never sent to clients.
	Cause error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "; %s: %s", v.Field, v.Description)
	}
	if e.Cause != nil {
		fmt.Fprintf(&b, ": %v", e.Cause)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Cause }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// New returns an Error of the given kind.
func New(k Kind, reason, format string, args ...any) *Error {
	return &Error{Kind: k, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that the named resource does not exist (or is hidden from the caller).
func NotFound(name string) *Error {
	name = echo(name)
	return &Error{Kind: KindNotFound, Reason: "RESOURCE_NOT_FOUND", Message: fmt.Sprintf("%s not found", name),
		Metadata: map[string]string{"resource": name}}
}

// maxEcho is the most of a caller's name an error repeats: names are far shorter, and a
// caller must not make a reply (or a log line) as large as its request.
const maxEcho = 256

// echo returns name cut to maxEcho bytes, on a rune boundary, marked when cut.
func echo(name string) string {
	if len(name) <= maxEcho {
		return name
	}
	cut := maxEcho
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + "..."
}

// AlreadyExists reports that a resource with that name exists.
func AlreadyExists(name string) *Error {
	return &Error{Kind: KindAlreadyExists, Reason: "RESOURCE_ALREADY_EXISTS", Message: fmt.Sprintf("%s already exists", name),
		Metadata: map[string]string{"resource": name}}
}

// EtagMismatch reports that the record changed since the caller read it.
func EtagMismatch(name string) *Error {
	return &Error{Kind: KindAborted, Reason: "ETAG_MISMATCH",
		Message:  fmt.Sprintf("%s was changed by someone else: read it again and retry", name),
		Metadata: map[string]string{"resource": name}}
}

// RequestIDReused reports a request_id sent again with a different request (AIP-155).
func RequestIDReused(requestID string) *Error {
	return &Error{Kind: KindInvalidArgument, Reason: "REQUEST_ID_REUSED",
		Message:    "request_id was already used for a different request",
		Violations: []Violation{{Field: "request_id", Description: "already used for a different request"}},
		Metadata:   map[string]string{"request_id": requestID}}
}

// Internal wraps an unexpected failure; its cause is logged and not shown.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Reason: "INTERNAL", Message: "internal error", Cause: cause}
}

// Unavailable reports a dependency that is down or unreachable.
func Unavailable(what string, cause error) *Error {
	return &Error{Kind: KindUnavailable, Reason: "DEPENDENCY_UNAVAILABLE",
		Message: fmt.Sprintf("%s is unavailable: retry later", what), Cause: cause,
		Metadata: map[string]string{"dependency": what}}
}
