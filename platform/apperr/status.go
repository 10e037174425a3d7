package apperr

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"
)

// codeOf is the one table from failure kinds to canonical gRPC codes.
var codeOf = map[Kind]codes.Code{
	KindInternal:           codes.Internal,
	KindInvalidArgument:    codes.InvalidArgument,
	KindNotFound:           codes.NotFound,
	KindAlreadyExists:      codes.AlreadyExists,
	KindFailedPrecondition: codes.FailedPrecondition,
	KindAborted:            codes.Aborted,
	KindPermissionDenied:   codes.PermissionDenied,
	KindUnauthenticated:    codes.Unauthenticated,
	KindUnavailable:        codes.Unavailable,
	KindResourceExhausted:  codes.ResourceExhausted,
	KindDeadlineExceeded:   codes.DeadlineExceeded,
	KindOutOfRange:         codes.OutOfRange,
}

// ToStatus turns any error into a gRPC status error with google.rpc.ErrorInfo (reason,
// domain) and, for invalid input, google.rpc.BadRequest. Errors that are already gRPC
// statuses pass through; context errors become CANCELED or DEADLINE_EXCEEDED; anything
// else is INTERNAL with no internal text. domain is e.g. "tansiq.incident".
func ToStatus(err error, domain string) error {
	if err == nil {
		return nil
	}
	e, ok := As(err)
	if !ok {
		// A status returned as is (a downstream answer relayed on purpose) passes through;
		// one wrapped in other text is not relayed, so no internal text leaks.
		if _, isStatus := err.(interface{ GRPCStatus() *status.Status }); isStatus {
			return err
		}
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			e = New(KindDeadlineExceeded, "DEADLINE_EXCEEDED", "deadline exceeded")
		case errors.Is(err, context.Canceled):
			return status.Error(codes.Canceled, "canceled")
		default:
			e = Internal(err)
		}
	}
	code, ok := codeOf[e.Kind]
	if !ok {
		code = codes.Internal
	}
	st := status.New(code, e.Message)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{Reason: e.Reason, Domain: domain, Metadata: e.Metadata}}
	if len(e.Violations) > 0 {
		br := &errdetails.BadRequest{}
		for _, v := range e.Violations {
			br.FieldViolations = append(br.FieldViolations,
				&errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description})
		}
		details = append(details, br)
	}
	if e.RetryAfter > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(e.RetryAfter)})
	}
	if withDetails, err := st.WithDetails(details...); err == nil {
		st = withDetails
	}
	return st.Err()
}
