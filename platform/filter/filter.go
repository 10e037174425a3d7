// Package filter reads the AIP-160 filters of Tansiq's List methods and evaluates them on
// records. Parsing is go.einride.tech/aip/filtering's: the whole grammar (AND, OR, NOT,
// parentheses, the has operator `:`), type-checked against declarations built from the
// Schema each List method declares. What einride leaves to its callers is done here once:
// the checked expression becomes a tree of typed comparisons (Expr) that a cached list
// evaluates on each record (Filter.Match), a MongoDB list translates (store.Query), and whose
// top-level AND terms (Filter.Conjuncts) may narrow a walk through an index. Anything the
// schema does not declare (a field, an operator on a field, a value, a function call, the
// implicit AND of juxtaposed terms) is refused with a message meant for a field violation
// on "filter", never ignored.
package filter

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.einride.tech/aip/filtering"
	expr "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
)

// Op is a comparison operator.
type Op string

// The comparison operators of AIP-160.
const (
	Eq  Op = "="
	Ne  Op = "!="
	Lt  Op = "<"
	Le  Op = "<="
	Gt  Op = ">"
	Ge  Op = ">="
	Has Op = ":" // a repeated field contains the value; "*" asks for a set field
)

// Holds reports whether a comparison result (negative, zero, positive, as from
// cmp.Compare or time.Time.Compare) satisfies o; Has holds on equality, as it does for a
// scalar field. An unknown operator never holds.
func (o Op) Holds(c int) bool {
	switch o {
	case Eq, Has:
		return c == 0
	case Ne:
		return c != 0
	case Lt:
		return c < 0
	case Le:
		return c <= 0
	case Gt:
		return c > 0
	case Ge:
		return c >= 0
	}
	return false
}

// Typed is one comparison whose value has been checked and converted: a string (enum
// values by name), a time.Time or a float64.
type Typed struct {
	Field string
	Op    Op
	Value any
}

// Present is the value of `field:*`, which holds when the field is set.
const Present = "*"

// Kind says what an Expr node is.
type Kind int

// Node kinds.
const (
	Compare Kind = iota // a Typed comparison
	And                 // every one of Args
	Or                  // any one of Args
	Not                 // not Args[0]
)

// Expr is a checked filter expression.
type Expr struct {
	Kind Kind
	Cmp  Typed   // Kind Compare
	Args []*Expr // And, Or, Not
}

// Filter is a checked filter; the zero Filter (an empty filter) matches every record.
type Filter struct {
	Root   *Expr
	schema Schema
}

// Record gives a filter one record's value of a declared field: a string (an enum by
// name), a []string for a repeated field (a comparison holds for any element with = and :,
// for none with !=), a time.Time or a float64.
type Record func(field string) any

// Match reports whether the record satisfies the filter.
func (f Filter) Match(rec Record) bool {
	return f.Root == nil || f.eval(f.Root, rec)
}

func (f Filter) eval(e *Expr, rec Record) bool {
	switch e.Kind {
	case And:
		for _, a := range e.Args {
			if !f.eval(a, rec) {
				return false
			}
		}
		return true
	case Or:
		return slices.ContainsFunc(e.Args, func(a *Expr) bool { return f.eval(a, rec) })
	case Not:
		return !f.eval(e.Args[0], rec)
	}
	return f.compare(e.Cmp, rec(e.Cmp.Field))
}

func (f Filter) compare(c Typed, v any) bool {
	if c.Value == Present && c.Op == Has {
		switch v := v.(type) {
		case []string:
			return len(v) > 0
		case time.Time:
			return !v.IsZero()
		case string:
			return v != ""
		}
		return v != nil
	}
	switch v := v.(type) {
	case []string:
		has := slices.Contains(v, c.Value.(string))
		if c.Op == Ne {
			return !has
		}
		return has && (c.Op == Eq || c.Op == Has)
	case string:
		if fd := f.schema[c.Field]; fd.Type == Enum && c.Op != Eq && c.Op != Ne && c.Op != Has {
			return c.Op.Holds(cmp.Compare(fd.number(v), fd.number(c.Value.(string))))
		}
		return c.Op.Holds(cmp.Compare(v, c.Value.(string)))
	case time.Time:
		return c.Op.Holds(v.Compare(c.Value.(time.Time)))
	case float64:
		return c.Op.Holds(cmp.Compare(v, c.Value.(float64)))
	}
	return false // the record does not have the field: no comparison holds
}

// Conjuncts returns the comparisons the filter's top level joins with AND (all of them for
// a filter of comparisons joined by AND): every record the filter matches satisfies each,
// so a list may use them to choose where to look; it must still Match every record.
func (f Filter) Conjuncts() []Typed {
	var out []Typed
	var walk func(*Expr)
	walk = func(e *Expr) {
		switch e.Kind {
		case Compare:
			out = append(out, e.Cmp)
		case And:
			for _, a := range e.Args {
				walk(a)
			}
		}
	}
	if f.Root != nil {
		walk(f.Root)
	}
	return out
}

// maxLen bounds the filters accepted, so parsing costs stay small.
const maxLen = 2048

// maxDepth bounds the nesting of a filter, so evaluating it stays cheap and its recursion
// shallow.
const maxDepth = 32

// Parse checks s against the schema: einride parses and type-checks it, and the result is
// compiled to an Expr with checked values. An empty filter is the zero Filter.
func (sc Schema) Parse(s string) (Filter, error) {
	if len(s) > maxLen {
		return Filter{}, fmt.Errorf("longer than %d characters", maxLen)
	}
	if s == "" {
		return Filter{schema: sc}, nil
	}
	var p filtering.Parser
	p.Init(s)
	parsed, err := p.Parse()
	if err != nil {
		return Filter{}, parseError(err)
	}
	root := parsed.GetExpr()
	c := compiler{schema: sc}
	out, err := c.compile(root, 0)
	if err != nil {
		return Filter{}, err
	}
	// Bare words compared with a field (enum values, unquoted text) were read as strings
	// above; einride's checker must see them as such too.
	quoteBareValues(root)
	var ck filtering.Checker
	ck.Init(root, parsed.GetSourceInfo(), sc.declarations())
	if _, err := ck.Check(); err != nil {
		return Filter{}, fmt.Errorf("invalid filter: %v", err)
	}
	return Filter{Root: out, schema: sc}, nil
}

// Conjunction reports whether the filter is its Conjuncts: comparisons joined by AND (or
// nothing), so a query of those alone selects exactly the records it matches.
func (f Filter) Conjunction() bool {
	return f.Root == nil || countCompares(f.Root) == len(f.Conjuncts())
}

func countCompares(e *Expr) int {
	if e.Kind == Compare {
		return 1
	}
	n := 0
	for _, a := range e.Args {
		n += countCompares(a)
	}
	return n
}

// positioned is what einride's parse errors tell: where, and what went wrong.
type positioned interface {
	Position() filtering.Position
	Message() string
}

// parseError reports the innermost of einride's nested parse errors: the one that says
// what was found where.
func parseError(err error) error {
	var last positioned
	for e := err; e != nil; e = errors.Unwrap(e) {
		if p, ok := e.(positioned); ok {
			last = p
		}
	}
	if last == nil {
		return fmt.Errorf("invalid filter: %v", err)
	}
	return fmt.Errorf("%s (at %s)", last.Message(), last.Position())
}

type compiler struct {
	schema Schema
}

var comparisons = []Op{Eq, Ne, Lt, Le, Gt, Ge, Has}

var logical = map[string]Kind{filtering.FunctionAnd: And, filtering.FunctionOr: Or, filtering.FunctionNot: Not}

func (c *compiler) compile(e *expr.Expr, depth int) (*Expr, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxDepth)
	}
	call := e.GetCallExpr()
	if call == nil {
		return nil, fmt.Errorf("expected a comparison such as `field = value`, got %s", describe(e))
	}
	fn := call.GetFunction()
	if k, ok := logical[fn]; ok {
		out := &Expr{Kind: k}
		for _, a := range call.GetArgs() {
			sub, err := c.compile(a, depth+1)
			if err != nil {
				return nil, err
			}
			out.Args = append(out.Args, sub)
		}
		return out, nil
	}
	if fn == filtering.FunctionFuzzyAnd {
		return nil, errors.New("join terms with AND or OR (terms side by side are not supported)")
	}
	op := Op(fn)
	if !slices.Contains(comparisons, op) || len(call.GetArgs()) != 2 {
		return nil, fmt.Errorf("function %s is not supported", fn)
	}
	name, ok := fieldName(call.GetArgs()[0])
	if !ok {
		return nil, fmt.Errorf("expected a field name before %s, got %s", op, describe(call.GetArgs()[0]))
	}
	fd, ok := c.schema[name]
	if !ok {
		return nil, fmt.Errorf("unknown field %q", name)
	}
	if !slices.Contains(fd.ops(), op) {
		return nil, fmt.Errorf("operator %s is not supported on %s", op, name)
	}
	raw, ok := literal(call.GetArgs()[1])
	if !ok {
		return nil, fmt.Errorf("expected a value after %s %s, got %s", name, op, describe(call.GetArgs()[1]))
	}
	v, err := fd.convert(name, op, raw)
	if err != nil {
		return nil, err
	}
	return &Expr{Kind: Compare, Cmp: Typed{Field: name, Op: op, Value: v}}, nil
}

// fieldName reads a field: an identifier, or a dotted path such as place.latitude.
func fieldName(e *expr.Expr) (string, bool) {
	switch k := e.GetExprKind().(type) {
	case *expr.Expr_IdentExpr:
		return k.IdentExpr.GetName(), true
	case *expr.Expr_SelectExpr:
		parent, ok := fieldName(k.SelectExpr.GetOperand())
		return parent + "." + k.SelectExpr.GetField(), ok
	}
	return "", false
}

// literal reads a value: a quoted string, a bare word or a number.
func literal(e *expr.Expr) (any, bool) {
	if id := e.GetIdentExpr(); id != nil {
		return id.GetName(), true
	}
	switch k := e.GetConstExpr().GetConstantKind().(type) {
	case *expr.Constant_StringValue:
		return k.StringValue, true
	case *expr.Constant_Int64Value:
		return float64(k.Int64Value), true
	case *expr.Constant_DoubleValue:
		return k.DoubleValue, true
	}
	return nil, false
}

func describe(e *expr.Expr) string {
	switch {
	case e.GetCallExpr() != nil:
		return "a call of " + e.GetCallExpr().GetFunction()
	case e.GetConstExpr() != nil:
		if v, ok := literal(e); ok {
			return fmt.Sprintf("the value %v", v)
		}
	}
	if n, ok := fieldName(e); ok {
		return strconv.Quote(n)
	}
	return "an unsupported expression"
}

// quoteBareValues turns the bare words compared with a field into string constants.
func quoteBareValues(e *expr.Expr) {
	call := e.GetCallExpr()
	if call == nil {
		return
	}
	if _, ok := logical[call.GetFunction()]; ok {
		for _, a := range call.GetArgs() {
			quoteBareValues(a)
		}
		return
	}
	if args := call.GetArgs(); len(args) == 2 {
		if id := args[1].GetIdentExpr(); id != nil {
			args[1].ExprKind = &expr.Expr_ConstExpr{ConstExpr: filtering.NewStringConstant(id.GetName())}
		}
	}
}

// All is the filter that holds when every one of conds does, for filters a program writes
// rather than parses (a test's, or a caller's scope); with none it matches every record.
func All(conds ...Typed) Filter {
	if len(conds) == 0 {
		return Filter{}
	}
	root := &Expr{Kind: And}
	for _, c := range conds {
		root.Args = append(root.Args, &Expr{Kind: Compare, Cmp: c})
	}
	return Filter{Root: root}
}
