// Package apperr is the one vocabulary of failures shared by every Tansiq domain and
// the one table that turns it into gRPC statuses (AIP-193): a canonical code, a
// google.rpc.ErrorInfo with a stable reason, and google.rpc.BadRequest field
// violations for invalid input. Domain code returns *Error values and never sees gRPC;
// handlers call ToStatus once.
package apperr
