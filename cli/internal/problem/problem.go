// Package problem turns errors into what a person at a terminal needs: the status code and
// message, the reason, and each bad field, plus the exit code the CLI ends with.
package problem

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Exit codes of the tansiq command.
const (
	ExitOK      = 0 // done
	ExitFailed  = 1 // the server refused the call, or it could not be made
	ExitUsage   = 2 // wrong flags or arguments; nothing was sent
	ExitPartial = 3 // an import finished, but some rows failed
)

// UsageError is a mistake in the command line.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// Violation is one bad field.
type Violation struct {
	Field, Description string
}

// Violations returns the field violations carried by a gRPC error (google.rpc.BadRequest).
func Violations(err error) []Violation {
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	var out []Violation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, Violation{Field: v.GetField(), Description: v.GetDescription()})
			}
		}
	}
	return out
}

// Describe renders err on one line, "CODE: message (reason)", followed by one indented line
// per field violation. Errors that are not gRPC statuses print as they are.
func Describe(err error) string {
	var b strings.Builder
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) {
			return "timed out: " + err.Error()
		}
		return err.Error()
	}
	fmt.Fprintf(&b, "%s: %s", codeName(st.Code()), st.Message())
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetReason() != "" && info.GetReason() != codeName(st.Code()) {
			fmt.Fprintf(&b, " (%s)", info.GetReason())
		}
	}
	for _, v := range Violations(err) {
		fmt.Fprintf(&b, "\n  %s: %s", v.Field, v.Description)
	}
	if hint := hints[st.Code()]; hint != "" {
		b.WriteString("\n  hint: " + hint)
	}
	return b.String()
}

// hints say what to do about the codes a person can act on.
var hints = map[codes.Code]string{
	codes.Unauthenticated:  "pass a token with --token or TANSIQ_TOKEN (tansiq token prints a development one)",
	codes.PermissionDenied: "your token's force or role may not do this",
	codes.Unavailable:      "is the system running at --addr (TANSIQ_ADDR)? make run starts it",
	codes.Aborted:          "the record changed since you read it: read it again and retry",
}

// ExitCode is the exit status for err.
func ExitCode(err error) int {
	var u *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &u):
		return ExitUsage
	default:
		return ExitFailed
	}
}

// codeName is the canonical upper-case name of a code, as in the gRPC docs and grpcurl.
func codeName(c codes.Code) string {
	if n, ok := names[c]; ok {
		return n
	}
	return c.String()
}

var names = map[codes.Code]string{
	codes.OK: "OK", codes.Canceled: "CANCELLED", codes.Unknown: "UNKNOWN",
	codes.InvalidArgument: "INVALID_ARGUMENT", codes.DeadlineExceeded: "DEADLINE_EXCEEDED",
	codes.NotFound: "NOT_FOUND", codes.AlreadyExists: "ALREADY_EXISTS",
	codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION", codes.Aborted: "ABORTED",
	codes.OutOfRange: "OUT_OF_RANGE", codes.Unimplemented: "UNIMPLEMENTED", codes.Internal: "INTERNAL",
	codes.Unavailable: "UNAVAILABLE", codes.DataLoss: "DATA_LOSS", codes.Unauthenticated: "UNAUTHENTICATED",
}
