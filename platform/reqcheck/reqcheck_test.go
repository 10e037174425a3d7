package reqcheck

import (
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

func TestPageSize(t *testing.T) {
	tests := []struct {
		in      int32
		want    int
		wantErr bool
	}{{0, 50, false}, {7, 7, false}, {500, 500, false}, {501, 500, false}, {-1, 0, true}}
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

func TestEnumNamesSkipsZero(t *testing.T) {
	got := EnumNames(map[int32]string{0: "X_UNSPECIFIED", 1: "X_A"})
	if len(got) != 1 || got[0] != "X_A" {
		t.Fatalf("EnumNames = %v", got)
	}
}
