package reqcheck

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/platform/apperr"
)

func TestPageSize(t *testing.T) {
	tests := []struct {
		in      int32
		want    int
		wantErr bool
	}{{0, 50, false}, {7, 7, false}, {500, 500, false}, {501, 500, false}, {-1, 0, true}, {-50, 0, true}}
	for _, tt := range tests {
		var v apperr.Violations
		if got := PageSize(&v, tt.in); got != tt.want || (v.Err() != nil) != tt.wantErr {
			t.Errorf("PageSize(%d) = %d, err %v; want %d, err %v", tt.in, got, v.Err(), tt.want, tt.wantErr)
		}
	}
}

func TestRequestID(t *testing.T) {
	for id, ok := range map[string]bool{"": true, "9a8517e8-ce2c": true, "seed:x.y_z": true, "has space": false, string(make([]byte, 101)): false} {
		var v apperr.Violations
		RequestID(&v, id)
		if (v.Err() == nil) != ok {
			t.Errorf("RequestID(%q) ok = %v, want %v", id, v.Err() == nil, ok)
		}
	}
}

func TestWindow(t *testing.T) {
	now := time.Date(2021, 12, 31, 12, 0, 0, 123456789, time.UTC)
	dec1 := time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)
	jan1 := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name             string
		start, end       *timestamppb.Timestamp
		wantFrom, wantTo time.Time
		violation        string
	}{
		{"defaults: 30 days up to now", nil, nil, now.Truncate(time.Millisecond).Add(-30 * 24 * time.Hour), now.Truncate(time.Millisecond), ""},
		{"given", timestamppb.New(dec1), timestamppb.New(jan1), dec1, jan1, ""},
		{"end only", nil, timestamppb.New(jan1), jan1.Add(-30 * 24 * time.Hour), jan1, ""},
		{"backwards", timestamppb.New(jan1), timestamppb.New(dec1), jan1, dec1, "end_time"},
		{"a leap year is the longest", timestamppb.New(jan1.Add(-MaxWindow)), timestamppb.New(jan1), jan1.Add(-MaxWindow), jan1, ""},
		{"longer than a leap year", timestamppb.New(jan1.Add(-MaxWindow - time.Millisecond)), timestamppb.New(jan1), jan1.Add(-MaxWindow - time.Millisecond), jan1, "end_time"},
		{"invalid", &timestamppb.Timestamp{Seconds: -1 << 62}, nil, now.Truncate(time.Millisecond).Add(-30 * 24 * time.Hour), now.Truncate(time.Millisecond), "start_time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v apperr.Violations
			from, to := Window(&v, "start_time", "end_time", tt.start, tt.end, now)
			if !from.Equal(tt.wantFrom) || !to.Equal(tt.wantTo) {
				t.Errorf("Window = [%v, %v), want [%v, %v)", from, to, tt.wantFrom, tt.wantTo)
			}
			var got string
			if l := v.List(); len(l) > 0 {
				got = l[0].Field
			}
			if got != tt.violation {
				t.Errorf("violation on %q, want %q", got, tt.violation)
			}
		})
	}
}
