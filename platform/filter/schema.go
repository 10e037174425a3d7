package filter

import (
	"fmt"
	"strconv"
	"time"
)

// Type is how a field's value is read.
type Type int

// Field value types.
const (
	String Type = iota // compared as given
	Enum               // one of Field.Values
	Time               // RFC 3339
	Number             // a float
)

// Field describes one filterable field.
type Field struct {
	Type Type
	// Ops lists the operators allowed; nil allows = only.
	Ops []Op
	// Values lists the accepted enum names (Type Enum).
	Values []string
}

// Schema maps field names, as clients write them, to their descriptions.
type Schema map[string]Field

// Typed is a condition whose value has been checked and converted: a string, a
// time.Time or a float64.
type Typed struct {
	Field string
	Op    Op
	Value any
}

// Check parses s against the schema and converts every value, reporting the first problem.
func (sc Schema) Check(s string) ([]Typed, error) {
	conds, err := Parse(s)
	if err != nil {
		return nil, err
	}
	out := make([]Typed, 0, len(conds))
	for _, c := range conds {
		f, ok := sc[c.Field]
		if !ok {
			return nil, fmt.Errorf("unknown field %q", c.Field)
		}
		ops := f.Ops
		if ops == nil {
			ops = []Op{Eq}
		}
		if !contains(ops, c.Op) {
			return nil, fmt.Errorf("operator %s is not supported on %s", c.Op, c.Field)
		}
		t := Typed{Field: c.Field, Op: c.Op}
		switch f.Type {
		case String:
			t.Value = c.Value
		case Enum:
			if !contains(f.Values, c.Value) {
				return nil, fmt.Errorf("%s: unknown value %q", c.Field, c.Value)
			}
			t.Value = c.Value
		case Time:
			tm, err := time.Parse(time.RFC3339, c.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not an RFC 3339 time", c.Field, c.Value)
			}
			t.Value = tm.UTC()
		case Number:
			n, err := strconv.ParseFloat(c.Value, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", c.Field, c.Value)
			}
			t.Value = n
		}
		out = append(out, t)
	}
	return out, nil
}

// Ordered are the operators of ordered types.
var Ordered = []Op{Eq, Lt, Le, Gt, Ge}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
