package filter

import (
	"reflect"
	"testing"
	"time"
)

var testSchema = Schema{
	"occur_time":     {Type: Time, Ops: Ordered},
	"kind":           {Type: Enum, Values: []string{"INCIDENT_KIND_IED", "INCIDENT_KIND_AMBUSH"}},
	"governorate":    {Type: String},
	"place.latitude": {Type: Number, Ops: Ordered},
}

func TestCheck(t *testing.T) {
	tests := []struct {
		in      string
		want    []Typed
		wantErr bool
	}{
		{in: "", want: []Typed{}},
		{in: `governorate = "Nineveh"`, want: []Typed{{"governorate", Eq, "Nineveh"}}},
		{in: `occur_time >= "2021-11-27T00:00:00Z" AND kind = INCIDENT_KIND_IED AND place.latitude<36.5`, want: []Typed{
			{"occur_time", Ge, time.Date(2021, 11, 27, 0, 0, 0, 0, time.UTC)},
			{"kind", Eq, "INCIDENT_KIND_IED"},
			{"place.latitude", Lt, 36.5},
		}},
		{in: `governorate = "نينوى"`, want: []Typed{{"governorate", Eq, "نينوى"}}},
		{in: `colour = red`, wantErr: true},
		{in: `kind = INCIDENT_KIND_NOPE`, wantErr: true},
		{in: `governorate > "a"`, wantErr: true},
		{in: `occur_time >= yesterday`, wantErr: true},
		{in: `kind = INCIDENT_KIND_IED OR kind = INCIDENT_KIND_AMBUSH`, wantErr: true},
		{in: `governorate =`, wantErr: true},
		{in: `governorate = "unterminated`, wantErr: true},
		{in: `= x`, wantErr: true},
		{in: `governorate ! x`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := testSchema.Check(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Check(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Check(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", `a = b`, `occur_time >= "2021-11-27T00:00:00Z" AND kind = X`, `a="\"q\""`, `a <= 1 AND b != 2`, "a = \"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		conds, err := Parse(s)
		if err != nil {
			return
		}
		for _, c := range conds {
			if c.Field == "" || !isField(c.Field) {
				t.Fatalf("Parse(%q) accepted bad field %q", s, c.Field)
			}
		}
		_, _ = testSchema.Check(s)
	})
}

func TestOpHolds(t *testing.T) {
	for _, tt := range []struct {
		op   Op
		want [3]bool // for cmp -1, 0, 1
	}{
		{Eq, [3]bool{false, true, false}},
		{Ne, [3]bool{true, false, true}},
		{Lt, [3]bool{true, false, false}},
		{Le, [3]bool{true, true, false}},
		{Gt, [3]bool{false, false, true}},
		{Ge, [3]bool{false, true, true}},
		{Op("~"), [3]bool{false, false, false}},
	} {
		for i, c := range []int{-1, 0, 1} {
			if got := tt.op.Holds(c); got != tt.want[i] {
				t.Errorf("%q.Holds(%d) = %v, want %v", tt.op, c, got, tt.want[i])
			}
		}
	}
}
