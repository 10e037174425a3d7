package filter

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.einride.tech/aip/filtering"

	"github.com/tansiq/tansiq/platform/reqcheck"
)

// Type is how a field's value is read.
type Type int

// Field value types.
const (
	String Type = iota // compared as given
	Enum               // one of the names of Field.Enum
	Time               // RFC 3339
	Number             // a float
)

// Field describes one filterable field.
type Field struct {
	Type Type
	// Ops lists the operators allowed; nil allows = only.
	Ops []Op
	// Values lists the accepted names of an enum (Type Enum), in their order (as
	// EnumNames gives a generated enum's): < and > compare positions in this list.
	Values []string
	// Normalize, when set, rewrites a String field's values as the records keep them (a
	// search key, say) before they are compared.
	Normalize func(string) string
}

// Schema maps field names, as clients write them, to their descriptions.
type Schema map[string]Field

// Ordered are the operators of ordered types.
var Ordered = []Op{Eq, Lt, Le, Gt, Ge}

func (f Field) ops() []Op {
	if f.Ops == nil {
		return []Op{Eq}
	}
	return f.Ops
}

// number is an enum value's position in Values, from 1 (0 for an unknown name, never
// accepted by convert).
func (f Field) number(name string) int {
	return slices.Index(f.Values, name) + 1
}

// convert checks a comparison's value and converts it to the field's type.
func (f Field) convert(field string, op Op, raw any) (any, error) {
	s, isString := raw.(string)
	if op == Has && s == Present {
		return Present, nil
	}
	switch f.Type {
	case Number:
		if isString {
			n, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", field, s)
			}
			return n, nil
		}
		return raw, nil
	case Time:
		t, err := time.Parse(time.RFC3339, s)
		if !isString || err != nil {
			return nil, fmt.Errorf("%s: %v is not an RFC 3339 time", field, quote(raw))
		}
		// To the millisecond, as the stores keep times: a finer bound would compare with
		// what no stored time can be.
		return reqcheck.Stored(t), nil
	}
	if !isString {
		return nil, fmt.Errorf("%s: %v is not a string; quote it", field, raw)
	}
	if f.Type == Enum && (f.number(s) == 0) {
		return nil, fmt.Errorf("%s: unknown value %q", field, s)
	}
	if f.Normalize != nil {
		s = f.Normalize(s)
	}
	return s, nil
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// EnumNames lists a generated enum's value names but its zero (UNSPECIFIED) one, in the
// order of their numbers: the Values of an Enum field.
func EnumNames(m map[int32]string) []string {
	nums := make([]int32, 0, len(m))
	for n := range m {
		if n != 0 {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = m[n]
	}
	return out
}

// declarations are the schema as einride's checker sees it: enum values and bare words are
// strings by then (see quoteBareValues).
func (sc Schema) declarations() *filtering.Declarations {
	opts := []filtering.DeclarationOption{filtering.DeclareStandardFunctions()}
	for name, f := range sc {
		t := filtering.TypeString
		switch f.Type {
		case Time:
			t = filtering.TypeTimestamp
		case Number:
			t = filtering.TypeFloat
		}
		opts = append(opts, filtering.DeclareIdent(name, t))
	}
	d, err := filtering.NewDeclarations(opts...)
	if err != nil {
		panic(fmt.Sprintf("filter: schema declarations: %v", err)) // the schema is the program's own
	}
	return d
}
