package filter

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var testSchema = Schema{
	"occur_time":     {Type: Time, Ops: Ordered},
	"kind":           {Type: Enum, Values: EnumNames(map[int32]string{0: "INCIDENT_KIND_UNSPECIFIED", 2: "INCIDENT_KIND_AMBUSH", 1: "INCIDENT_KIND_IED"}), Ops: []Op{Eq, Ne, Gt}},
	"governorate":    {Type: String, Ops: []Op{Eq, Ne, Has}},
	"district":       {Type: String},
	"place.latitude": {Type: Number, Ops: Ordered},
}

// TestCheck: filters are checked against the schema; the comparisons of a top-level AND
// are the Conjuncts, and only comparisons joined by AND are a Conjunction.
func TestCheck(t *testing.T) {
	tests := []struct {
		in      string
		want    []Typed
		partial bool // the filter is more than its Conjuncts
		wantErr string
	}{
		{in: "", want: []Typed{}},
		{in: `governorate = "Nineveh"`, want: []Typed{{"governorate", Eq, "Nineveh"}}},
		{in: `governorate = Nineveh`, want: []Typed{{"governorate", Eq, "Nineveh"}}},
		{in: `occur_time >= "2021-11-27T00:00:00Z" AND kind = INCIDENT_KIND_IED AND place.latitude<36.5`, want: []Typed{
			{"occur_time", Ge, time.Date(2021, 11, 27, 0, 0, 0, 0, time.UTC)},
			{"kind", Eq, "INCIDENT_KIND_IED"},
			{"place.latitude", Lt, 36.5},
		}},
		{in: `kind = "INCIDENT_KIND_IED" AND place.latitude > -5`, want: []Typed{{"kind", Eq, "INCIDENT_KIND_IED"}, {"place.latitude", Gt, -5.0}}},
		{in: `governorate = "نينوى"`, want: []Typed{{"governorate", Eq, "نينوى"}}},
		{in: `colour = red`, wantErr: `unknown field "colour"`},
		{in: `kind = INCIDENT_KIND_NOPE`, wantErr: `kind: unknown value "INCIDENT_KIND_NOPE"`},
		{in: `kind = INCIDENT_KIND_UNSPECIFIED`, wantErr: "unknown value"},
		{in: `district > "a"`, wantErr: "operator > is not supported on district"},
		{in: `occur_time >= yesterday`, wantErr: `occur_time: "yesterday" is not an RFC 3339 time`},
		{in: `place.latitude = north`, wantErr: "is not a number"},
		{in: `kind = INCIDENT_KIND_IED OR kind = INCIDENT_KIND_AMBUSH`, want: []Typed{}, partial: true},
		{in: `NOT district = "x"`, want: []Typed{}, partial: true},
		{in: `district = "x" AND (kind = INCIDENT_KIND_IED OR kind = INCIDENT_KIND_AMBUSH)`, want: []Typed{{"district", Eq, "x"}}, partial: true},
		{in: `governorate =`, wantErr: "(at 1:"},
		{in: `governorate = "unterminated`, wantErr: "(at 1:"},
		{in: `= x`, wantErr: "(at 1:"},
		{in: `governorate ! x`, wantErr: ""},
		{in: `district = "a" district = "b"`, wantErr: "side by side"},
		{in: `district`, wantErr: "expected a comparison"},
		{in: `timestamp("2021-01-01T00:00:00Z") = occur_time`, wantErr: "expected a field name"},
		{in: `district = foo("x")`, wantErr: "expected a value"},
		{in: `district:"x"`, wantErr: "operator : is not supported on district"},
		{in: strings.Repeat("NOT (", 40) + `district = "x"` + strings.Repeat(")", 40), wantErr: "nested deeper"},
		{in: strings.Repeat("a", maxLen+1), wantErr: "longer than"},
	}
	for _, tt := range tests {
		f, err := testSchema.Parse(tt.in)
		got := f.Conjuncts()
		if got == nil {
			got = []Typed{}
		}
		if (err != nil) != (tt.want == nil) {
			t.Errorf("Check(%q) error = %v, want error %q", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Check(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if !reflect.DeepEqual(got, tt.want) || f.Conjunction() == tt.partial {
			t.Errorf("Check(%q) = %#v, conjunction %v; want %#v, conjunction %v", tt.in, got, f.Conjunction(), tt.want, !tt.partial)
		}
	}
}

// record is a test record: an incident with two governorates.
type record struct {
	kind, district string
	governorates   []string
	occur          time.Time
	lat            float64
}

func (r record) get(field string) any {
	switch field {
	case "kind":
		return r.kind
	case "district":
		return r.district
	case "governorate":
		return r.governorates
	case "occur_time":
		return r.occur
	case "place.latitude":
		return r.lat
	}
	return nil
}

func TestMatchGrammar(t *testing.T) {
	recs := map[string]record{
		"mosul":  {kind: "INCIDENT_KIND_IED", district: "Mosul", governorates: []string{"Nineveh"}, occur: time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC), lat: 36.3},
		"erbil":  {kind: "INCIDENT_KIND_AMBUSH", district: "Erbil", governorates: []string{"Erbil", "Nineveh"}, occur: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), lat: 36.2},
		"kirkuk": {kind: "INCIDENT_KIND_AMBUSH", district: "Kirkuk", occur: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC), lat: 35.5},
	}
	tests := []struct {
		filter string
		want   string // the matching records, in the order mosul erbil kirkuk
	}{
		{``, "mosul erbil kirkuk"},
		{`district = "Mosul" OR district = "Kirkuk"`, "mosul kirkuk"},
		{`NOT district = "Mosul"`, "erbil kirkuk"},
		{`-district = "Mosul"`, "erbil kirkuk"},
		{`kind = INCIDENT_KIND_AMBUSH AND (district = "Erbil" OR place.latitude < 36)`, "erbil kirkuk"},
		{`(kind = INCIDENT_KIND_AMBUSH AND district = "Erbil") OR place.latitude > 36.25`, "mosul erbil"},
		{`NOT (kind = INCIDENT_KIND_IED OR district = "Kirkuk")`, "erbil"},
		{`governorate = Nineveh`, "mosul erbil"},
		{`governorate != Nineveh`, "kirkuk"},
		{`governorate:Erbil`, "erbil"},
		{`governorate:*`, "mosul erbil"},
		{`NOT governorate:*`, "kirkuk"},
		{`kind > INCIDENT_KIND_IED`, "erbil kirkuk"},
		{`occur_time >= "2021-01-01T00:00:00Z" AND occur_time < "2022-01-01T00:00:00Z"`, "mosul"},
		{`occur_time < "2021-01-01T00:00:00+03:00" OR district = "Erbil"`, "erbil kirkuk"},
		{`place.latitude >= 36 AND place.latitude <= 36.25`, "erbil"},
	}
	for _, tt := range tests {
		f, err := testSchema.Parse(tt.filter)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.filter, err)
			continue
		}
		var got []string
		for _, name := range []string{"mosul", "erbil", "kirkuk"} {
			if f.Match(recs[name].get) {
				got = append(got, name)
			}
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%q matches %v, want %s", tt.filter, got, tt.want)
		}
	}
}

func TestConjuncts(t *testing.T) {
	f, err := testSchema.Parse(`district = "a" AND (district = "b" OR kind = INCIDENT_KIND_IED) AND place.latitude > 1`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Typed{{"district", Eq, "a"}, {"place.latitude", Gt, 1.0}}
	if got := f.Conjuncts(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Conjuncts = %v, want %v", got, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", `a = b`, `occur_time >= "2021-11-27T00:00:00Z" AND kind = X`, `a="\"q\""`, `a <= 1 AND b != 2`, "a = \"\\",
		`NOT (district = "x" OR governorate:*)`} {
		f.Add(s)
	}
	r := record{kind: "INCIDENT_KIND_IED", governorates: []string{"x"}}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := testSchema.Parse(s)
		if err != nil {
			return
		}
		for _, c := range got.Conjuncts() {
			if _, ok := testSchema[c.Field]; !ok {
				t.Fatalf("Parse(%q) accepted unknown field %q", s, c.Field)
			}
		}
		got.Match(r.get)
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
		{Has, [3]bool{false, true, false}},
		{Op("~"), [3]bool{false, false, false}},
	} {
		for i, c := range []int{-1, 0, 1} {
			if got := tt.op.Holds(c); got != tt.want[i] {
				t.Errorf("%q.Holds(%d) = %v, want %v", tt.op, c, got, tt.want[i])
			}
		}
	}
}

func TestEnumNamesSkipsZeroInNumberOrder(t *testing.T) {
	got := EnumNames(map[int32]string{0: "X_UNSPECIFIED", 2: "X_B", 1: "X_A", 10: "X_C"})
	if !reflect.DeepEqual(got, []string{"X_A", "X_B", "X_C"}) {
		t.Fatalf("EnumNames = %v", got)
	}
}
