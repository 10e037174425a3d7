package fieldmask

import (
	"reflect"
	"testing"

	"github.com/tansiq/tansiq/platform/apperr"
)

type rec struct{ A, B string }

var setters = map[string]func(*rec, rec){
	"a": func(d *rec, s rec) { d.A = s.A },
	"b": func(d *rec, s rec) { d.B = s.B },
}

func TestCheckAndApply(t *testing.T) {
	var v apperr.Violations
	paths := Check(&v, []string{"a"}, setters)
	if v.Err() != nil || !reflect.DeepEqual(paths, map[string]bool{"a": true}) {
		t.Fatalf("Check = %v, %v", paths, v.Err())
	}
	dst := rec{A: "old", B: "keep"}
	Apply(&dst, rec{A: "new", B: "ignored"}, paths, setters)
	if dst != (rec{A: "new", B: "keep"}) {
		t.Fatalf("Apply = %+v", dst)
	}
	for _, bad := range [][]string{nil, {"a", "state"}} {
		var v apperr.Violations
		Check(&v, bad, setters)
		if v.Err() == nil {
			t.Errorf("Check(%v) accepted a bad mask", bad)
		}
	}
}
