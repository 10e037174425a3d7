package importer

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/cli/internal/incidentfile"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
)

// fakeCreator answers CreateIncident with create.
type fakeCreator struct {
	mu     sync.Mutex
	calls  []*incidentv1.CreateIncidentRequest
	create func(*incidentv1.CreateIncidentRequest) (*incidentv1.CreateIncidentResponse, error)
}

func (f *fakeCreator) CreateIncident(_ context.Context, in *incidentv1.CreateIncidentRequest, _ ...grpc.CallOption) (*incidentv1.CreateIncidentResponse, error) {
	f.mu.Lock()
	f.calls = append(f.calls, in)
	f.mu.Unlock()
	return f.create(in)
}

func row(n int, title string) incidentfile.Row {
	return incidentfile.Row{Number: n, Unit: "line", Values: map[string]string{
		"kind": "ied", "title": title, "occur_time": "2021-12-05", "latitude": "35.8", "longitude": "43.6", "reporting_force": "peshmerga",
	}}
}

func badRequest(field, desc string) error {
	st, _ := status.New(codes.InvalidArgument, "the request has invalid fields").WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: desc}}})
	return st.Err()
}

func created(at time.Time) *incidentv1.CreateIncidentResponse {
	return &incidentv1.CreateIncidentResponse{Incident: &incidentv1.Incident{CreateTime: timestamppb.New(at)}}
}

func TestRequestID(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)
	a := RequestID("attacks.csv", 7)
	tests := []struct {
		name      string
		other     string
		wantEqual bool
	}{
		{"same batch and row", RequestID("attacks.csv", 7), true},
		{"another row", RequestID("attacks.csv", 8), false},
		{"another batch", RequestID("attacks-2.csv", 7), false},
		{"no ambiguity between batch and row", RequestID("attacks.csv7", 0), false},
		{"a long batch name", RequestID(strings.Repeat("x", 500), 7), false},
	}
	for _, tt := range tests {
		if got := tt.other == a; got != tt.wantEqual {
			t.Errorf("%s: %q vs %q equal = %v, want %v", tt.name, tt.other, a, got, tt.wantEqual)
		}
		if !valid.MatchString(tt.other) {
			t.Errorf("%s: %q is not a valid request id", tt.name, tt.other)
		}
	}
}

func TestRunReportsEachFailedRow(t *testing.T) {
	now := time.Now()
	f := &fakeCreator{create: func(in *incidentv1.CreateIncidentRequest) (*incidentv1.CreateIncidentResponse, error) {
		switch in.GetIncident().GetTitle() {
		case "too far":
			return nil, badRequest("incident.place.point.latitude", "is outside Iraq")
		case "imported before":
			return created(now.Add(-time.Hour)), nil
		}
		return created(now.Add(time.Minute)), nil
	}}
	bad := row(4, "")
	rows := []incidentfile.Row{row(2, "one"), row(3, "too far"), bad, row(5, "imported before"), row(6, "two")}
	var out bytes.Buffer
	sum, err := Run(context.Background(), f, rows, Options{Batch: "b.csv", Parallel: 3, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := [3]int{sum.Total, sum.Created, sum.Existing}, [3]int{5, 2, 1}; got != want {
		t.Errorf("total, created, existing: got %v, want %v", got, want)
	}
	var failed []string
	for _, e := range sum.Failed {
		failed = append(failed, e.Describe())
	}
	want := []string{
		"line 3: INVALID_ARGUMENT: the request has invalid fields\n    latitude (incident.place.point.latitude): is outside Iraq",
		"line 4: invalid, not sent\n    title: is required",
	}
	if strings.Join(failed, "|") != strings.Join(want, "|") {
		t.Errorf("failed rows:\ngot  %q\nwant %q", failed, want)
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
	if !strings.HasSuffix(out.String(), "\n5/5 rows: 2 imported, 1 already there, 2 failed\n") {
		t.Errorf("final line of %q: want the count of each outcome", out.String())
	}
	// The locally invalid row was never sent; the others each once, with their row's id.
	if len(f.calls) != 4 {
		t.Errorf("calls: got %d, want 4", len(f.calls))
	}
	for _, c := range f.calls {
		if c.GetRequestId() == RequestID("b.csv", 4) {
			t.Error("the invalid row was sent")
		}
	}
}

func TestRunDrawsProgressInPlace(t *testing.T) {
	f := &fakeCreator{create: func(in *incidentv1.CreateIncidentRequest) (*incidentv1.CreateIncidentResponse, error) {
		if in.GetIncident().GetTitle() == "bad" {
			return nil, badRequest("incident.title", "too short")
		}
		return created(time.Now().Add(time.Minute)), nil
	}}
	var out bytes.Buffer
	_, err := Run(context.Background(), f, []incidentfile.Row{row(2, "a"), row(3, "bad"), row(4, "b")},
		Options{Batch: "b", Parallel: 1, Out: &out, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	blank := func(s string) string { return "\r" + strings.Repeat(" ", len(s)) + "\r" }
	want := "\r0/3 rows: 0 imported, 0 failed" +
		"\r1/3 rows: 1 imported, 0 failed" +
		blank("1/3 rows: 1 imported, 0 failed") +
		"line 3: INVALID_ARGUMENT: the request has invalid fields\n    title (incident.title): too short\n" +
		"\r2/3 rows: 1 imported, 1 failed" +
		"\r3/3 rows: 2 imported, 1 failed" +
		blank("3/3 rows: 2 imported, 1 failed") +
		"3/3 rows: 2 imported, 1 failed\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestRunStopsWhenEveryRowWouldFail(t *testing.T) {
	f := &fakeCreator{create: func(*incidentv1.CreateIncidentRequest) (*incidentv1.CreateIncidentResponse, error) {
		return nil, status.Error(codes.Unauthenticated, "no bearer token")
	}}
	var rows []incidentfile.Row
	for i := range 50 {
		rows = append(rows, row(i+2, "x"))
	}
	sum, err := Run(context.Background(), f, rows, Options{Batch: "b", Parallel: 2})
	var stopped *StoppedError
	if !errors.As(err, &stopped) || status.Code(stopped.Err) != codes.Unauthenticated || !strings.HasPrefix(stopped.At, "line ") {
		t.Fatalf("got %v, want UNAUTHENTICATED naming the line where it stopped", err)
	}
	if n := len(f.calls); n > 4 {
		t.Errorf("%d rows sent after the server refused the import, want at most one per worker and a few in flight", n)
	}
	if len(sum.Failed) != 0 || sum.Created != 0 {
		t.Errorf("summary %+v: rows not tried are not failures", sum)
	}
}
