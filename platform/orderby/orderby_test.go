package orderby

import (
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

func TestCheck(t *testing.T) {
	allowed := []string{"occur_time desc", "occur_time", "update_time desc", "update_time"}
	for _, tt := range []struct {
		in, want string
		bad      bool
	}{
		{"", "occur_time desc", false},
		{"  ", "occur_time desc", false},
		{"occur_time", "occur_time", false},
		{"occur_time asc", "occur_time", false},
		{"  occur_time   desc ", "occur_time desc", false},
		{"update_time desc", "update_time desc", false},
		{"title", "occur_time desc", true},
		{"occur_time up", "occur_time desc", true},
		{"occur_time desc, update_time", "occur_time desc", true},
		{"occur_time; drop", "occur_time desc", true},
	} {
		var v apperr.Violations
		got := Check(&v, tt.in, allowed...)
		if got != tt.want || (v.Err() != nil) != tt.bad {
			t.Errorf("Check(%q) = %q, violations %v; want %q, bad %v", tt.in, got, v.List(), tt.want, tt.bad)
		}
		if tt.bad && v.List()[0].Field != "order_by" {
			t.Errorf("Check(%q) violation on %q", tt.in, v.List()[0].Field)
		}
	}
	if !Desc("occur_time desc") || Desc("occur_time") || Desc("a, b desc") {
		t.Error("Desc reads the first field's direction")
	}
}
