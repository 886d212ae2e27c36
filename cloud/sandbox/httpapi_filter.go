package sandbox

import (
	"fmt"
	"strconv"
	"strings"
)

// An OData v4 $filter subset: comparisons (eq ne gt ge lt le) of a field with
// a literal ('string' with '' for a quote, number, true, false, null),
// contains(field,'text'), and, or, not and parentheses. Fields are checked
// against the model, literals against the field's type, so a typo is an
// error rather than an empty result.
//
//	filter  = or
//	or      = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | primary
//	primary = "(" or ")" | "contains" "(" field "," string ")" | field op literal

type recordPred func(map[string]any) bool

type filterTokKind int

const (
	tokEOF filterTokKind = iota
	tokIdent
	tokString
	tokNumber
	tokLParen
	tokRParen
	tokComma
)

type filterTok struct {
	kind filterTokKind
	text string
	num  float64
	pos  int
}

const maxFilterDepth = 32

// parseFilter compiles src; fieldType reports a field's type (string, number, boolean).
func parseFilter(src string, fieldType func(string) (string, bool)) (recordPred, error) {
	toks, err := lexFilter(src)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, fieldType: fieldType}
	pred, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("unexpected %q at position %d", t.text, t.pos+1)
	}
	return pred, nil
}

func lexFilter(src string) ([]filterTok, error) {
	var toks []filterTok
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, filterTok{kind: tokLParen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, filterTok{kind: tokRParen, text: ")", pos: i})
			i++
		case c == ',':
			toks = append(toks, filterTok{kind: tokComma, text: ",", pos: i})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(src) {
					return nil, fmt.Errorf("unterminated string starting at position %d", i+1)
				}
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			toks = append(toks, filterTok{kind: tokString, text: b.String(), pos: i})
			i = j + 1
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E') {
				j++
			}
			n, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil {
				return nil, fmt.Errorf("invalid number %q at position %d", src[i:j], i+1)
			}
			toks = append(toks, filterTok{kind: tokNumber, text: src[i:j], num: n, pos: i})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, filterTok{kind: tokIdent, text: src[i:j], pos: i})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at position %d", c, i+1)
		}
	}
	return append(toks, filterTok{kind: tokEOF, text: "end of filter", pos: len(src)}), nil
}

type filterParser struct {
	toks      []filterTok
	i         int
	depth     int
	fieldType func(string) (string, bool)
}

func (p *filterParser) peek() filterTok { return p.toks[p.i] }

func (p *filterParser) next() filterTok {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *filterParser) keyword(word string) bool {
	if t := p.peek(); t.kind == tokIdent && t.text == word {
		p.i++
		return true
	}
	return false
}

func (p *filterParser) expect(kind filterTokKind, what string) (filterTok, error) {
	t := p.next()
	if t.kind != kind {
		return t, fmt.Errorf("expected %s at position %d, got %q", what, t.pos+1, t.text)
	}
	return t, nil
}

func (p *filterParser) or() (recordPred, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r map[string]any) bool { return l(r) || right(r) }
	}
	return left, nil
}

func (p *filterParser) and() (recordPred, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r map[string]any) bool { return l(r) && right(r) }
	}
	return left, nil
}

func (p *filterParser) unary() (recordPred, error) {
	if p.keyword("not") {
		inner, err := p.nested(p.unary)
		if err != nil {
			return nil, err
		}
		return func(r map[string]any) bool { return !inner(r) }, nil
	}
	return p.primary()
}

// nested bounds recursion so a hostile filter cannot exhaust the stack.
func (p *filterParser) nested(f func() (recordPred, error)) (recordPred, error) {
	if p.depth++; p.depth > maxFilterDepth {
		return nil, fmt.Errorf("nested more than %d levels", maxFilterDepth)
	}
	defer func() { p.depth-- }()
	return f()
}

func (p *filterParser) primary() (recordPred, error) {
	t := p.peek()
	switch {
	case t.kind == tokLParen:
		p.next()
		inner, err := p.nested(p.or)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, ")"); err != nil {
			return nil, err
		}
		return inner, nil
	case t.kind == tokIdent && p.toks[p.i+1].kind == tokLParen:
		return p.function()
	case t.kind == tokIdent:
		return p.comparison()
	}
	return nil, fmt.Errorf("expected a field, ( or contains( at position %d, got %q", t.pos+1, t.text)
}

func (p *filterParser) field() (string, string, error) {
	t, err := p.expect(tokIdent, "a field name")
	if err != nil {
		return "", "", err
	}
	typ, ok := p.fieldType(t.text)
	if !ok {
		return "", "", fmt.Errorf("unknown field %q at position %d", t.text, t.pos+1)
	}
	return t.text, typ, nil
}

func (p *filterParser) function() (recordPred, error) {
	name := p.next()
	if name.text != "contains" {
		return nil, fmt.Errorf("unsupported function %q at position %d; supported: contains", name.text, name.pos+1)
	}
	p.next() // (
	f, typ, err := p.field()
	if err != nil {
		return nil, err
	}
	if typ != "string" {
		return nil, fmt.Errorf("contains needs a string field; %s is a %s", f, typ)
	}
	if _, err := p.expect(tokComma, ","); err != nil {
		return nil, err
	}
	lit, err := p.expect(tokString, "a 'quoted' string")
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, ")"); err != nil {
		return nil, err
	}
	return func(r map[string]any) bool {
		s, ok := r[f].(string)
		return ok && strings.Contains(s, lit.text)
	}, nil
}

func (p *filterParser) comparison() (recordPred, error) {
	f, typ, err := p.field()
	if err != nil {
		return nil, err
	}
	opTok, err := p.expect(tokIdent, "an operator (eq, ne, gt, ge, lt, le)")
	if err != nil {
		return nil, err
	}
	op := opTok.text
	switch op {
	case "eq", "ne", "gt", "ge", "lt", "le":
	default:
		return nil, fmt.Errorf("unknown operator %q at position %d; supported: eq, ne, gt, ge, lt, le", op, opTok.pos+1)
	}
	lit, err := p.literal(f, typ, op)
	if err != nil {
		return nil, err
	}
	return func(r map[string]any) bool {
		v := r[f]
		if v == nil || lit == nil {
			same := v == nil && lit == nil
			return (op == "eq" && same) || (op == "ne" && !same)
		}
		c, ok := compareValues(v, lit)
		if !ok {
			return op == "ne"
		}
		switch op {
		case "eq":
			return c == 0
		case "ne":
			return c != 0
		case "gt":
			return c > 0
		case "ge":
			return c >= 0
		case "lt":
			return c < 0
		}
		return c <= 0
	}, nil
}

// literal reads the right-hand side and checks it fits the field's type.
func (p *filterParser) literal(field, typ, op string) (any, error) {
	t := p.next()
	var v any
	got := ""
	switch {
	case t.kind == tokString:
		v, got = t.text, "string"
	case t.kind == tokNumber:
		v, got = t.num, "number"
	case t.kind == tokIdent && (t.text == "true" || t.text == "false"):
		v, got = t.text == "true", "boolean"
	case t.kind == tokIdent && t.text == "null":
		if op != "eq" && op != "ne" {
			return nil, fmt.Errorf("null can only be compared with eq or ne (position %d)", t.pos+1)
		}
		return nil, nil
	default:
		return nil, fmt.Errorf("expected a value ('text', number, true, false or null) at position %d, got %q", t.pos+1, t.text)
	}
	if got != typ {
		return nil, fmt.Errorf("%s is a %s field; compare it with a %s value (position %d)", field, typ, typ, t.pos+1)
	}
	if typ == "boolean" && op != "eq" && op != "ne" {
		return nil, fmt.Errorf("booleans can only be compared with eq or ne (position %d)", t.pos+1)
	}
	return v, nil
}

// compareValues orders two values of the same JSON type; ok is false otherwise.
func compareValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case float64:
		if y, ok := b.(float64); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, true
			case !x:
				return -1, true
			}
			return 1, true
		}
	}
	return 0, false
}
