// Package filter parses the AIP-160 subset that Tansiq's List methods accept: comparisons
// `field op value` joined by AND, with op one of = != < <= > >= and value a bare word, a
// number or a double-quoted string. Each List method declares the fields it knows in a
// Schema; anything else is refused with a field violation on "filter", never ignored.
package filter

import (
	"fmt"
	"strings"
	"unicode"
)

// Op is a comparison operator.
type Op string

// The operators of the subset.
const (
	Eq Op = "="
	Ne Op = "!="
	Lt Op = "<"
	Le Op = "<="
	Gt Op = ">"
	Ge Op = ">="
)

// Holds reports whether a comparison result (negative, zero, positive, as from
// cmp.Compare or time.Time.Compare) satisfies o; an unknown operator never holds.
// Stores that evaluate filters in memory use it for every field.
func (o Op) Holds(cmp int) bool {
	switch o {
	case Eq:
		return cmp == 0
	case Ne:
		return cmp != 0
	case Lt:
		return cmp < 0
	case Le:
		return cmp <= 0
	case Gt:
		return cmp > 0
	case Ge:
		return cmp >= 0
	}
	return false
}

// Condition is one comparison of a filter.
type Condition struct {
	Field string
	Op    Op
	Value string
}

// maxLen bounds the filters accepted, so parsing costs stay small.
const maxLen = 2048

// Parse splits a filter into its conditions. An empty filter has none.
func Parse(s string) ([]Condition, error) {
	if len(s) > maxLen {
		return nil, fmt.Errorf("longer than %d characters", maxLen)
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	var out []Condition
	for i := 0; i < len(toks); {
		if len(out) > 0 {
			if toks[i].kind != word || toks[i].text != "AND" {
				return nil, fmt.Errorf("expected AND before %q (only AND is supported)", toks[i].text)
			}
			i++
		}
		if i+3 > len(toks) {
			return nil, fmt.Errorf("incomplete comparison at the end")
		}
		f, op, v := toks[i], toks[i+1], toks[i+2]
		if f.kind != word || !isField(f.text) {
			return nil, fmt.Errorf("expected a field name, got %q", f.text)
		}
		if op.kind != operator {
			return nil, fmt.Errorf("expected an operator after %s, got %q", f.text, op.text)
		}
		if v.kind == operator {
			return nil, fmt.Errorf("expected a value after %s %s", f.text, op.text)
		}
		out = append(out, Condition{Field: f.text, Op: Op(op.text), Value: v.text})
		i += 3
	}
	return out, nil
}

type tokenKind int

const (
	word tokenKind = iota
	quoted
	operator
)

type token struct {
	kind tokenKind
	text string
}

func tokenize(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, token{quoted, b.String()})
			i = j + 1
		case strings.ContainsRune("=!<>", r):
			if i+1 < len(rs) && rs[i+1] == '=' {
				toks = append(toks, token{operator, string(rs[i : i+2])})
				i += 2
			} else if r == '!' {
				return nil, fmt.Errorf("unknown operator !")
			} else {
				toks = append(toks, token{operator, string(r)})
				i++
			}
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("=!<>\"", rs[j]) {
				j++
			}
			toks = append(toks, token{word, string(rs[i:j])})
			i = j
		}
	}
	return toks, nil
}

func isField(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return s != "" && s != "AND" && s != "OR"
}
