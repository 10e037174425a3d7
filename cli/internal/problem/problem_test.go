package problem

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func invalid(t *testing.T) error {
	st, err := status.New(codes.InvalidArgument, "the request has invalid fields").WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: "tansiq.incident"},
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "incident.title", Description: "is required"},
			{Field: "incident.place.point.latitude", Description: "must be in [-90, 90]"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func TestDescribe(t *testing.T) {
	reused, _ := status.New(codes.InvalidArgument, "request_id was used for another request").WithDetails(
		&errdetails.ErrorInfo{Reason: "REQUEST_ID_REUSED", Domain: "tansiq.incident"})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"violations, one a line", invalid(t),
			"INVALID_ARGUMENT: the request has invalid fields\n" +
				"  incident.title: is required\n" +
				"  incident.place.point.latitude: must be in [-90, 90]"},
		{"reason when it adds to the code", reused.Err(),
			"INVALID_ARGUMENT: request_id was used for another request (REQUEST_ID_REUSED)"},
		{"hint for what a person can fix", status.Error(codes.Unauthenticated, "no bearer token"),
			"UNAUTHENTICATED: no bearer token\n  hint: pass a token with --token or TANSIQ_TOKEN (tansiq token prints a development one)"},
		{"plain error", errors.New("open x.csv: no such file"), "open x.csv: no such file"},
		{"local deadline", fmt.Errorf("list: %w", context.DeadlineExceeded), "timed out: list: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Describe(tt.err); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{Usagef("unknown command %q", "x"), ExitUsage},
		{fmt.Errorf("wrapped: %w", Usagef("bad")), ExitUsage},
		{status.Error(codes.NotFound, "no such incident"), ExitFailed},
		{errors.New("boom"), ExitFailed},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v): got %d, want %d", tt.err, got, tt.want)
		}
	}
}
