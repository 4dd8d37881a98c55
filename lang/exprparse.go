package lang

import (
	"fmt"
	"strconv"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"sonde/lang/ast"
	"sonde/lang/diag"
)

// Expressions and types are parsed by hand, by precedence climbing,
// and plugged into the participle grammar through its Parseable
// interface. They are most of a script's tokens, and participle's
// generic engine (a heap-allocated branch per alternative tried) made a
// 2,000-line script take 160 ms; this parser makes the whole parse about
// ten times faster. It builds ast nodes directly.

// gExpr is an expression in the participle grammar.
type gExpr struct{ X ast.Expr }

// gType is a type in the participle grammar (let annotations).
type gType struct{ T *ast.Type }

func (g *gExpr) Parse(lex *lexer.PeekingLexer) error {
	if !startsExpression(lex.Peek()) {
		return participle.NextMatch
	}
	x, err := (&xparser{lex: lex}).ternary()
	g.X = x
	return err
}

func (g *gType) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tIdent && t.Value != "struct" && t.Value != "union" && t.Value != "enum" && t.Value != "typeof" {
		return participle.NextMatch
	}
	ty, err := (&xparser{lex: lex}).typ()
	g.T = ty
	return err
}

// exprError is an error found while parsing an expression. With no
// message, it is an unexpected token, worded by syntaxError.
type exprError struct {
	tok  lexer.Token
	span ast.Span
	msg  string
}

func (e *exprError) Error() string            { return e.msg }
func (e *exprError) Message() string          { return e.msg }
func (e *exprError) Position() lexer.Position { return e.tok.Pos }

type xparser struct {
	lex *lexer.PeekingLexer
}

func (p *xparser) peek() *lexer.Token { return p.lex.Peek() }

// next consumes a token, but never the end of the item.
func (p *xparser) next() lexer.Token {
	if t := p.lex.Peek(); t.Type == tItemEnd {
		return *t
	}
	return *p.lex.Next()
}

// is reports whether the next token is the punctuation or keyword v.
func (p *xparser) is(v string) bool {
	t := p.lex.Peek()
	return t.Value == v && t.Type != tString && t.Type != tPredClose && t.Type != tDeclClose && t.Type != tTypeParen
}

func (p *xparser) unexpected() error {
	t := *p.peek()
	return &participle.UnexpectedTokenError{Unexpected: t}
}

func (p *xparser) expect(v string) (lexer.Token, error) {
	if !p.is(v) {
		return lexer.Token{}, p.unexpected()
	}
	return p.next(), nil
}

func (p *xparser) errorf(sp ast.Span, tok lexer.Token, format string, args ...any) error {
	return &exprError{tok: tok, span: sp, msg: fmt.Sprintf(format, args...)}
}

// tokenSpan is the span of one token. Tokens expanded from a #define
// all sit at the name they replaced; their ends are approximate.
func tokenSpan(t lexer.Token) ast.Span {
	start := ast.Pos{File: t.Pos.Filename, Line: t.Pos.Line, Col: t.Pos.Column, Offset: t.Pos.Offset}
	end := start
	end.Col += len(t.Value)
	end.Offset += len(t.Value)
	return ast.Span{Start: start, End: end}
}

func between(first, last lexer.Token) ast.At {
	return ast.At{Start: tokenSpan(first).Start, End: tokenSpan(last).End}
}

func from(first lexer.Token, last ast.Node) ast.At {
	return ast.At{Start: tokenSpan(first).Start, End: last.Span().End}
}

func startsExpression(t *lexer.Token) bool {
	switch t.Type {
	case tInt, tString, tVar, tPositional, tMapName, tIdent, tTypeParen:
		return true
	case tKeyword:
		switch t.Value {
		case "true", "false", "sizeof", "offsetof", "config":
			return true
		}
	case tOp, tPunct:
		switch t.Value {
		case "(", "{", "-", "!", "~", "*", "&", "++", "--":
			return true
		}
	}
	return false
}

// ternary parses `cond ? a : b`, `cond ?: b` or a binary expression.
// The conditional is right-associative and binds loosest.
func (p *xparser) ternary() (ast.Expr, error) {
	cond, err := p.binary(1)
	if err != nil || !p.is("?") {
		return cond, err
	}
	p.next()
	t := &ast.Ternary{Cond: cond}
	if !p.is(":") {
		if t.Then, err = p.ternary(); err != nil {
			return nil, err
		}
	}
	if _, err := p.expect(":"); err != nil {
		return nil, err
	}
	if t.Else, err = p.operand(p.ternary); err != nil {
		return nil, err
	}
	t.At = ast.At{Start: cond.Span().Start, End: t.Else.Span().End}
	return t, nil
}

// operand parses a required sub-expression.
func (p *xparser) operand(parse func() (ast.Expr, error)) (ast.Expr, error) {
	if !startsExpression(p.peek()) {
		return nil, p.unexpected()
	}
	return parse()
}

// precedence of binary operators, loosest first, as in bpftrace (and C:
// `&` and `|` bind looser than `==`). All are left-associative.
var precedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary parses operators of precedence min and tighter.
func (p *xparser) binary(min int) (ast.Expr, error) {
	x, err := p.operand(p.unary)
	for err == nil {
		t := p.peek()
		prec := precedence[t.Value]
		if t.Type != tOp || prec < min {
			return x, nil
		}
		p.next()
		var y ast.Expr
		if y, err = p.operand(func() (ast.Expr, error) { return p.binary(prec + 1) }); err != nil {
			return nil, err
		}
		x = &ast.Binary{At: ast.At{Start: x.Span().Start, End: y.Span().End}, Op: t.Value, X: x, Y: y}
	}
	return x, err
}

func (p *xparser) unary() (ast.Expr, error) {
	t := *p.peek()
	switch {
	case t.Type == tTypeParen:
		p.next()
		ty, err := p.typ()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		x, err := p.operand(p.unary)
		if err != nil {
			return nil, err
		}
		return &ast.Cast{At: from(t, x), Type: ty, X: x}, nil
	case t.Type == tOp && (t.Value == "-" || t.Value == "*" || t.Value == "&") || t.Value == "!" || t.Value == "~":
		p.next()
		x, err := p.operand(p.unary)
		if err != nil {
			return nil, err
		}
		return &ast.Unary{At: from(t, x), Op: t.Value, X: x}, nil
	case t.Value == "++" || t.Value == "--":
		p.next()
		x, err := p.operand(p.unary)
		if err != nil {
			return nil, err
		}
		return &ast.IncDec{At: from(t, x), Op: t.Value, X: x}, nil
	}
	return p.postfix()
}

func (p *xparser) postfix() (ast.Expr, error) {
	x, err := p.primary()
	for err == nil {
		start := x.Span().Start
		switch t := *p.peek(); {
		case p.is(".") || p.is("->"):
			p.next()
			f := p.next()
			if f.Type != tIdent && f.Type != tKeyword && f.Type != tInt {
				return nil, &participle.UnexpectedTokenError{Unexpected: f}
			}
			x = &ast.Field{At: ast.At{Start: start, End: tokenSpan(f).End}, X: x, Name: f.Value, Arrow: t.Value == "->"}
		case p.is("["):
			p.next()
			i, err := p.operand(p.ternary)
			if err != nil {
				return nil, err
			}
			end, err := p.expect("]")
			if err != nil {
				return nil, err
			}
			x = &ast.Index{At: ast.At{Start: start, End: tokenSpan(end).End}, X: x, Index: i}
		case p.is("++") || p.is("--"):
			p.next()
			x = &ast.IncDec{At: ast.At{Start: start, End: tokenSpan(t).End}, Op: t.Value, Post: true, X: x}
		default:
			return x, nil
		}
	}
	return nil, err
}

func (p *xparser) primary() (ast.Expr, error) {
	t := *p.peek()
	sp := tokenSpan(t)
	at := ast.At(sp)
	switch t.Type {
	case tIdent:
		p.next()
		if !p.is("(") {
			return &ast.Ident{At: at, Name: t.Value}, nil
		}
		args, end, err := p.list("(", ")")
		if err != nil {
			return nil, err
		}
		return &ast.Call{At: between(t, end), Name: t.Value, Args: args}, nil
	case tVar:
		p.next()
		return &ast.Var{At: at, Name: t.Value[1:]}, nil
	case tMapName:
		p.next()
		m := &ast.MapRef{At: at, Name: t.Value[1:]}
		if p.is("[") {
			keys, end, err := p.list("[", "]")
			if err != nil {
				return nil, err
			}
			if len(keys) == 0 {
				return nil, p.errorf(tokenSpan(end), end, "empty map key; write @%s without brackets", m.Name)
			}
			m.Keys, m.At = keys, between(t, end)
		}
		return m, nil
	case tInt:
		p.next()
		v, err := parseInt(t.Value)
		if err != nil {
			return nil, p.errorf(sp, t, "%v", err)
		}
		return &ast.IntLit{At: at, Value: v, Text: t.Value}, nil
	case tString:
		p.next()
		v, off, err := unquote(t.Value)
		if err != nil {
			esp := sp
			esp.Start.Col += off
			esp.Start.Offset += off
			esp.End = esp.Start
			esp.End.Col += 2
			esp.End.Offset += 2
			return nil, p.errorf(esp, t, "%v", err)
		}
		return &ast.StringLit{At: at, Value: v}, nil
	case tPositional:
		p.next()
		if t.Value == "$#" {
			return &ast.Positional{At: at, Count: true}, nil
		}
		n, err := strconv.Atoi(t.Value[1:])
		if err != nil || n == 0 {
			return nil, p.errorf(sp, t, "invalid positional parameter `%s`; they start at $1", t.Value)
		}
		return &ast.Positional{At: at, Index: n}, nil
	case tKeyword:
		switch t.Value {
		case "true", "false":
			p.next()
			return &ast.BoolLit{At: at, Value: t.Value == "true"}, nil
		case "config":
			p.next()
			return &ast.Ident{At: at, Name: "config"}, nil
		case "sizeof":
			return p.sizeof()
		case "offsetof":
			return p.offsetof()
		}
	case tPunct:
		switch t.Value {
		case "(":
			return p.paren()
		case "{":
			return p.blockExpr()
		}
	}
	return nil, p.unexpected()
}

// list parses `open expr, expr... close` (no trailing comma).
func (p *xparser) list(open, close string) ([]ast.Expr, lexer.Token, error) {
	p.next() // open
	var out []ast.Expr
	for !p.is(close) {
		x, err := p.operand(p.ternary)
		if err != nil {
			return nil, lexer.Token{}, err
		}
		out = append(out, x)
		if !p.is(",") {
			break
		}
		p.next()
		if p.is(close) {
			return nil, lexer.Token{}, p.unexpected()
		}
	}
	end, err := p.expect(close)
	return out, end, err
}

// paren parses `(...)`: a grouping, a tuple `(a, b)`, `(a,)`, `()`, or a
// record `(name = value, ...)`.
func (p *xparser) paren() (ast.Expr, error) {
	open := p.next()
	var elems []ast.Expr
	var fields []*ast.RecordField
	trailing := false
	for !p.is(")") {
		trailing = false
		name := p.peek()
		cp := p.lex.MakeCheckpoint()
		if name.Type == tIdent {
			nameTok := p.next()
			if t := p.peek(); t.Type == tAssign && t.Value == "=" {
				p.next()
				v, err := p.operand(p.ternary)
				if err != nil {
					return nil, err
				}
				fields = append(fields, &ast.RecordField{At: from(nameTok, v), Name: nameTok.Value, Value: v})
				elems = append(elems, nil)
				goto sep
			}
			p.lex.LoadCheckpoint(cp)
		}
		{
			x, err := p.operand(p.ternary)
			if err != nil {
				return nil, err
			}
			elems = append(elems, x)
		}
	sep:
		if !p.is(",") {
			break
		}
		p.next()
		trailing = true
	}
	end, err := p.expect(")")
	if err != nil {
		return nil, err
	}
	at := between(open, end)
	switch {
	case len(fields) > 0:
		if len(fields) != len(elems) {
			return nil, p.errorf(ast.Span(at), open, "a record names every field: `(a = 1, b = 2)`")
		}
		return &ast.Record{At: at, Fields: fields}, nil
	case len(elems) == 1 && !trailing:
		return elems[0], nil
	}
	return &ast.Tuple{At: at, Elems: elems}, nil
}

// blockExpr parses `{ stmts; value }` used as a value. Statements are
// participle's, so this hands the lexer back to it.
func (p *xparser) blockExpr() (ast.Expr, error) {
	g, err := blockParser().ParseFromLexer(p.lex, participle.AllowTrailing(true))
	if err != nil {
		return nil, err
	}
	var errs diag.List
	l := &lowerer{errs: &errs}
	b := l.block(g, true)
	if len(l.bare) > 0 {
		c := l.bare[0].call
		return nil, p.errorf(c.Span(), lexer.Token{Pos: lexer.Position{Filename: c.Start.File, Line: c.Start.Line, Column: c.Start.Col, Offset: c.Start.Offset}},
			"a bare `%s()` cannot be the value of a block; assign it to a map", c.Name)
	}
	if len(errs) > 0 {
		d := errs[0]
		return nil, &exprError{span: d.Span, msg: d.Msg, tok: lexer.Token{Pos: lexer.Position{Filename: d.Span.Start.File, Line: d.Span.Start.Line, Column: d.Span.Start.Col, Offset: d.Span.Start.Offset}}}
	}
	return &ast.BlockExpr{At: b.At, Block: b}, nil
}

func (p *xparser) sizeof() (ast.Expr, error) {
	kw := p.next()
	s := &ast.Sizeof{}
	var err error
	if p.peek().Type == tTypeParen {
		p.next()
		s.Type, err = p.typ()
	} else if _, err = p.expect("("); err == nil {
		s.X, err = p.operand(p.ternary)
	}
	if err != nil {
		return nil, err
	}
	end, err := p.expect(")")
	s.At = between(kw, end)
	return s, err
}

func (p *xparser) offsetof() (ast.Expr, error) {
	kw := p.next()
	o := &ast.Offsetof{}
	var err error
	if p.peek().Type == tTypeParen {
		p.next()
		o.Type, err = p.typ()
	} else if _, err = p.expect("("); err == nil {
		o.X, err = p.operand(p.ternary)
	}
	if err != nil {
		return nil, err
	}
	for {
		if _, err := p.expect(map[bool]string{true: ",", false: "."}[len(o.Fields) == 0]); err != nil {
			return nil, err
		}
		f := p.next()
		if f.Type != tIdent && f.Type != tKeyword {
			return nil, &participle.UnexpectedTokenError{Unexpected: f}
		}
		o.Fields = append(o.Fields, f.Value)
		if !p.is(".") {
			break
		}
	}
	end, err := p.expect(")")
	o.At = between(kw, end)
	return o, err
}

// typ parses a type: `uint32`, `struct task_struct *`, `int8[8]`,
// `string[64]`, `typeof($x)`, `typeof(struct foo)`. Suffixes apply left
// to right.
func (p *xparser) typ() (*ast.Type, error) {
	first := *p.peek()
	t := &ast.Type{}
	last := first
	switch {
	case first.Value == "typeof" && first.Type == tKeyword:
		p.next()
		switch {
		case p.peek().Type == tTypeParen:
			p.next()
			inner, err := p.typ()
			if err != nil {
				return nil, err
			}
			t.TypeofT = inner
		case p.is("("):
			p.next()
			x, err := p.operand(p.ternary)
			if err != nil {
				return nil, err
			}
			t.Typeof = x
		default:
			return nil, p.unexpected()
		}
		end, err := p.expect(")")
		if err != nil {
			return nil, err
		}
		last = end
	case first.Type == tKeyword && (first.Value == "struct" || first.Value == "union" || first.Value == "enum"):
		p.next()
		name := p.next()
		if name.Type != tIdent {
			return nil, &participle.UnexpectedTokenError{Unexpected: name}
		}
		t.Name, last = first.Value+" "+name.Value, name
	case first.Type == tIdent:
		p.next()
		t.Name = first.Value
	default:
		return nil, p.unexpected()
	}
	for {
		switch {
		case p.is("*"):
			last = p.next()
			t.Suffixes = append(t.Suffixes, ast.TypeSuffix{Ptr: true})
			continue
		case p.is("["):
			p.next()
			n := p.next()
			v, err := parseInt(n.Value)
			if n.Type != tInt || err != nil || v == 0 || v > 1<<31 {
				return nil, p.errorf(tokenSpan(n), n, "expected an array size, found %s", describe(n))
			}
			end, err := p.expect("]")
			if err != nil {
				return nil, err
			}
			last = end
			if len(t.Suffixes) == 0 && t.Param == 0 && (t.Name == "string" || t.Name == "buffer") {
				t.Param = int(v) // string[64] sizes the string; it is not an array
			} else {
				t.Suffixes = append(t.Suffixes, ast.TypeSuffix{Len: int(v)})
			}
			continue
		}
		break
	}
	t.At = between(first, last)
	return t, nil
}
