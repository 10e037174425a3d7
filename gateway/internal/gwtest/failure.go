package gwtest

import (
	"fmt"
	"sort"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Failure is what a test expects of an error: its code, its ErrorInfo reason (when not
// empty) and exactly its BadRequest field names (nil for none).
type Failure struct {
	Code   codes.Code
	Reason string
	Fields []string
}

func (f Failure) String() string { return fmt.Sprintf("%v %s %v", f.Code, f.Reason, f.Fields) }

// FailureOf reads an error's code, reason and violated fields (sorted).
func FailureOf(err error) Failure {
	st := status.Convert(err)
	f := Failure{Code: st.Code()}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			f.Reason = d.GetReason()
		case *errdetails.BadRequest:
			for _, fv := range d.GetFieldViolations() {
				f.Fields = append(f.Fields, fv.GetField())
			}
		}
	}
	sort.Strings(f.Fields)
	return f
}

// Metadata returns the ErrorInfo metadata of an error.
func Metadata(err error) map[string]string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetMetadata()
		}
	}
	return nil
}

// WantFailure fails the test unless err is the failure described.
func WantFailure(t testing.TB, what string, err error, want Failure) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: succeeded, want %v", what, want)
	}
	got := FailureOf(err)
	if want.Reason == "" {
		got.Reason = ""
	}
	sort.Strings(want.Fields)
	if got.String() != want.String() {
		t.Fatalf("%s: got %v (%v), want %v", what, got, err, want)
	}
}
