package lang

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"sonde/lang/ast"
)

// gSimple is a statement that needs a `;` before the next one:
//
//	expr [assign-op expr] [by key] | break | continue | return [expr] |
//	let $x [: type] [= expr]
//
// It is parsed by hand like expressions, for speed (a simple statement
// is most of every block); lowering (lower.go) turns it into ast.
type gSimple struct {
	X     ast.Expr // expression or assignment target
	Op    string   // assignment operator, "" for an expression statement
	Value ast.Expr
	By    ast.Expr // `by KEY` of the declarative form

	Jump      string // "break", "continue" or "return"
	JumpValue ast.Expr
	Let       *ast.LetStmt

	First lexer.Token // for the span of jumps
	Last  lexer.Token
	Semi  bool
}

func (g *gSimple) Parse(lex *lexer.PeekingLexer) error {
	p := &xparser{lex: lex}
	t := *lex.Peek()
	g.First = t
	var err error
	switch {
	case t.Type == tKeyword && (t.Value == "break" || t.Value == "continue" || t.Value == "return"):
		g.Last = p.next()
		g.Jump = t.Value
		if startsExpression(lex.Peek()) {
			g.JumpValue, err = p.ternary()
		}
	case t.Type == tKeyword && t.Value == "let":
		g.Let, err = p.let()
	case t.Value == "{" || !startsExpression(&t):
		return participle.NextMatch // a block statement, or not a statement here
	default:
		err = p.assignment(g)
	}
	if err != nil {
		return err
	}
	if p.is(";") {
		p.next()
		g.Semi = true
	}
	return nil
}

func (p *xparser) assignment(g *gSimple) error {
	var err error
	if g.X, err = p.ternary(); err != nil {
		return err
	}
	if t := p.peek(); t.Type == tAssign {
		g.Op = p.next().Value
		if g.Value, err = p.operand(p.ternary); err != nil {
			return err
		}
	}
	if t := p.peek(); t.Type == tIdent && t.Value == "by" {
		p.next()
		g.By, err = p.operand(p.ternary)
	}
	return err
}

func (p *xparser) let() (*ast.LetStmt, error) {
	kw := p.next()
	v := p.next()
	if v.Type != tVar {
		return nil, &participle.UnexpectedTokenError{Unexpected: v}
	}
	s := &ast.LetStmt{Var: &ast.Var{At: ast.At(tokenSpan(v)), Name: v.Value[1:]}}
	end := s.Var.Span().End
	var err error
	if p.is(":") {
		p.next()
		if s.Type, err = p.typ(); err != nil {
			return nil, err
		}
		end = s.Type.Span().End
	}
	if t := p.peek(); t.Type == tAssign && t.Value == "=" {
		p.next()
		if s.Value, err = p.operand(p.ternary); err != nil {
			return nil, err
		}
		end = s.Value.Span().End
	}
	s.At = ast.At{Start: tokenSpan(kw).Start, End: end}
	return s, nil
}
