package lang

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"sonde/lang/ast"
	"sonde/lang/diag"
)

// MaxLineLength bounds a single source line. Longer lines are not
// scripts anyone wrote, and rejecting them keeps error rendering and
// parsing cheap.
const MaxLineLength = 1 << 20

// Parse parses a script. filename is used in positions only. On failure
// the error is a diag.List holding every error found, sorted, at most one
// per line; the returned program is then partial (possibly nil) and only
// fit for inspection.
func Parse(filename string, src []byte) (*ast.Program, error) {
	if d := checkText(filename, src); d != nil {
		return nil, diag.List{d}
	}
	s := newScanner(filename, src)
	s.start()
	p := &parser{s: s, l: &lowerer{errs: &s.errs}}
	p.lex, _ = lexer.Upgrade(s) // scans everything
	s.toks = p.lex.Range(0, lexer.RawCursor(s.base+len(s.toks)))
	prog := &ast.Program{Shebang: s.shebang}
	prog.At = ast.At{Start: ast.Pos{File: filename, Line: 1, Col: 1}, End: s.astPos(s.pos(len(src)))}
	for _, it := range s.items {
		p.item(prog, it)
	}
	p.l.nameAggregations()
	prog.Includes = s.pp.includes
	if len(prog.Probes) == 0 && !s.errs.HasErrors() {
		s.errs.Errorf(ast.Span{Start: prog.Start, End: prog.Start}, "no probes: a script needs at least one, such as `begin { printf(\"hello\\n\"); }`")
	}
	if errs := s.errs.Clean(); errs.HasErrors() {
		return prog, errs
	}
	return prog, nil
}

// ParseExpr parses a lone expression, for tests and tools.
func ParseExpr(src string) (ast.Expr, error) {
	if d := checkText("", []byte(src)); d != nil {
		return nil, diag.List{d}
	}
	s := newScanner("", []byte(src))
	for s.skipSpace(); !s.eof(); s.skipSpace() {
		s.lexToken()
	}
	if len(s.stack) > 0 {
		s.unclosed()
	}
	if len(s.errs) > 0 {
		return nil, s.errs.Clean()
	}
	p := &parser{s: s, l: &lowerer{errs: &s.errs}}
	p.lex, _ = lexer.Upgrade(&sliceLexer{toks: s.toks, eof: lexer.EOFToken(s.pos(len(s.src)))})
	g, err := exprParser().ParseFromLexer(p.lex)
	if err != nil {
		p.syntaxError(err, item{end: len(s.toks)})
		return nil, s.errs.Clean()
	}
	x := p.l.expr(g.X)
	if len(s.errs) > 0 {
		return nil, s.errs.Clean()
	}
	return x, nil
}

// checkText rejects input that is not a script's text.
func checkText(filename string, src []byte) *diag.Diagnostic {
	at := func(off int) ast.Span {
		line := bytes.Count(src[:off], []byte("\n")) + 1
		col := off - (bytes.LastIndexByte(src[:off], '\n') + 1) + 1
		p := ast.Pos{File: filename, Line: line, Col: col, Offset: off}
		return ast.Span{Start: p, End: p}
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return diag.Errorf(at(i), "the input is not text: it contains a NUL byte")
	}
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return diag.Errorf(at(i), "the input is not text: invalid UTF-8")
	}
	for off := 0; off < len(src); {
		n := bytes.IndexByte(src[off:], '\n')
		if n < 0 {
			n = len(src) - off
		}
		if n > MaxLineLength {
			return diag.Errorf(at(off), "line is too long (%d bytes; the limit is %d)", n, MaxLineLength)
		}
		off += n + 1
	}
	return nil
}

type parser struct {
	s   *scanner
	l   *lowerer
	lex *lexer.PeekingLexer // all items' tokens, each followed by a tItemEnd
	// afterDecl is the `>` that closed the previous item's declarative
	// block, to explain a bare `>` comparison that ended it too early.
	afterDecl *lexer.Token
	// skipToGt suppresses the errors that follow a bare `>` until the
	// block's real closing `>`.
	skipToGt bool
}

// at positions the shared lexer on token k, and returns it.
func (p *parser) at(k int) *lexer.PeekingLexer {
	if k > 0 {
		p.lex.FastForward(lexer.RawCursor(k - 1))
	}
	return p.lex
}

// parseItem runs one participle parser over an item. The item must end
// where its grammar ends: the tItemEnd sentinel comes next.
func parseItem[G any](p *parser, pp *participle.Parser[G], it item) (*G, error) {
	g, err := pp.ParseFromLexer(p.at(it.start), participle.AllowTrailing(true))
	if err == nil && p.lex.Peek().Type != tItemEnd {
		err = &participle.UnexpectedTokenError{Unexpected: *p.lex.Peek()}
	}
	return g, err
}

// item parses and lowers one root construct.
func (p *parser) item(prog *ast.Program, it item) {
	toks := p.s.toks[it.start:it.end]
	prevDecl := p.afterDecl
	p.afterDecl = nil
	if p.skipToGt {
		for _, t := range toks {
			if t.Value == ">" {
				p.skipToGt = false
			}
		}
		return
	}
	if it.bad || len(toks) == 0 {
		return
	}
	first := toks[0]
	var err error
	switch {
	case first.Type == tAttach:
		var g *gProbe
		if g, err = parseItem(p, probeParser(), it); err == nil {
			prog.Probes = append(prog.Probes, p.l.probe(g))
			if g.Decl != nil {
				last := toks[len(toks)-1]
				p.afterDecl = &last
			}
		}
	case first.Value == "config":
		var g *gConfig
		if g, err = parseItem(p, configParser(), it); err == nil {
			prog.Config = append(prog.Config, p.l.config(g)...)
		}
	case first.Value == "import":
		var g *gImport
		if g, err = parseItem(p, importParser(), it); err == nil {
			prog.Imports = append(prog.Imports, p.l.importDecl(g))
		}
	case first.Value == "macro":
		var g *gMacro
		if g, err = parseItem(p, macroParser(), it); err == nil {
			prog.Macros = append(prog.Macros, p.l.macro(g))
		}
	case first.Value == "let":
		var g *gMapDecl
		if g, err = parseItem(p, mapDeclParser(), it); err == nil {
			prog.MapDecls = append(prog.MapDecls, p.l.mapDecl(g))
		}
	case first.Type == tCDecl:
		sp := p.l.tokSpan(first)
		sp.End = p.s.ends[first.Pos.Offset]
		prog.CDecls = append(prog.CDecls, &ast.CDecl{At: ast.At(sp), Text: first.Value})
	case first.Value == "fn":
		p.l.errorf(p.l.tokSpan(first), "user functions (`fn`) are not supported; use a `macro`")
	default:
		if prevDecl != nil && p.bareGt(prevDecl, first) {
			return
		}
		p.l.errorf(p.l.tokSpan(first), "unexpected %s; expected a probe such as `tracepoint:syscalls:sys_enter_read { ... }`", describe(first))
	}
	if err != nil {
		if prevDecl != nil && prevDecl.Pos.Line == first.Pos.Line && p.bareGt(prevDecl, first) {
			return
		}
		p.syntaxError(err, it)
	}
}

// bareGt reports a `>` comparison that closed a declarative block early:
// `< @x = $a > 5; ... >`. It then skips to the block's real end.
func (p *parser) bareGt(gt *lexer.Token, next lexer.Token) bool {
	p.l.errorf(p.l.tokSpan(*gt), "`>` ends the declarative block here; to compare with `>` inside `< >`, add parentheses: `(a > b)`")
	p.skipToGt = !strings.Contains(next.Value, ">")
	return true
}

// syntaxError rewrites a participle error into plain words.
func (p *parser) syntaxError(err error, it item) {
	var xe *exprError
	if errors.As(err, &xe) {
		p.l.errorf(xe.span, "%s", xe.msg)
		return
	}
	var perr participle.Error
	if !errors.As(err, &perr) {
		p.l.errorf(p.l.tokSpan(p.s.toks[it.start]), "%v", err)
		return
	}
	var tok lexer.Token
	var expect string
	if u, ok := err.(*participle.UnexpectedTokenError); ok {
		tok, expect = u.Unexpected, u.Expect
		if m := u.Message(); expect == "" && strings.HasSuffix(m, ")") {
			if i := strings.LastIndex(m, " (expected "); i >= 0 {
				expect = m[i+len(" (expected ") : len(m)-1]
			}
		}
	} else {
		tok = lexer.Token{Type: lexer.EOF, Pos: perr.Position()}
		for _, t := range p.s.toks[it.start:it.end] {
			if t.Pos.Offset >= perr.Position().Offset {
				tok = t
				break
			}
		}
	}
	// The token before the error gives the context.
	var prev *lexer.Token
	for k := it.start; k < it.end; k++ {
		if p.s.toks[k].Pos.Offset >= tok.Pos.Offset && !tok.EOF() {
			break
		}
		prev = &p.s.toks[k]
	}
	if tok.Type == tItemEnd {
		tok.Type = lexer.EOF
	}
	sp := p.l.tokSpan(tok)
	if tok.EOF() {
		sp.End = sp.Start
	}
	msg := "unexpected " + describe(tok)
	first := p.s.toks[it.start]
	switch {
	case it.end-it.start == 1 && first.Type == tAttach && tok.EOF() && p.followedBy(first, '('):
		msg = fmt.Sprintf("unexpected `%s(`; statements go inside a probe: `begin { %s(...); }`", first.Value, first.Value)
		sp = p.l.tokSpan(first)
	case prev != nil && prev.Type == tAttach && tok.Type == tAttach && p.followedBy(tok, '('):
		// `BEGIN printf(...)`: a statement, not another attach point.
		msg = "expected `{` after the attach point, to start the probe's block"
	case prev != nil && (prev.Type == tAttach || prev.Type == tPredClose) && tok.Type == tAttach:
		msg = "expected `,` between attach points"
	case prev != nil && (prev.Type == tAttach || prev.Type == tPredClose) && tok.Value != "{":
		msg = fmt.Sprintf("expected `{` or `<` after the attach point, found %s", describe(tok))
	case prev != nil && prev.Type == tPredOpen && tok.Type == tPredClose:
		msg = "empty predicate"
	case tok.Value == "=" && prev != nil && endsOperand(*prev):
		msg = "unexpected `=` in an expression; to compare, use `==`"
	case tok.EOF() && prev != nil:
		msg = fmt.Sprintf("unexpected end after %s", describe(*prev))
		if strings.Contains(expect, `";"`) {
			msg = fmt.Sprintf("expected `;` after %s", describe(*prev))
		}
	case strings.HasPrefix(expect, `"`) && strings.Index(expect[1:], `"`) > 0:
		// participle's expectation is grammar text; its leading literal
		// is what the user can act on.
		msg += fmt.Sprintf("; expected `%s`", expect[1:1+strings.Index(expect[1:], `"`)])
	case p.inHeader(it, tok):
		msg += "; expected `{` to start the block"
	}
	p.l.errorf(sp, "%s", msg)
}

// inHeader reports whether tok is in the header of an if, while or for
// statement, where a block must come next.
func (p *parser) inHeader(it item, tok lexer.Token) bool {
	for k := it.end - 1; k >= it.start; k-- {
		t := p.s.toks[k]
		if t.Pos.Offset >= tok.Pos.Offset {
			continue
		}
		switch {
		case t.Type == tKeyword && (t.Value == "if" || t.Value == "while" || t.Value == "for"):
			return true
		case t.Value == ";" || t.Value == "{" || t.Value == "}":
			return false
		}
	}
	return false
}

// endsOperand reports whether t can end an operand, so a following `=`
// was probably meant as `==`.
func endsOperand(t lexer.Token) bool {
	switch t.Type {
	case tIdent, tVar, tInt, tString, tMapName, tPositional:
		return true
	}
	return t.Value == ")" || t.Value == "]"
}

// followedBy reports whether byte c comes right after token t.
func (p *parser) followedBy(t lexer.Token, c byte) bool {
	end := t.Pos.Offset + len(t.Value)
	return end < len(p.s.src) && p.s.src[end] == c
}

// describe names a token for a message: `x`, a string, the end of input.
func describe(t lexer.Token) string {
	switch {
	case t.EOF() || t.Type == tItemEnd:
		return "end of input"
	case t.Type == tString:
		return "string " + truncate(t.Value)
	case t.Type == tAttach:
		return "`" + truncate(t.Value) + "`"
	case t.Type == tCDecl:
		return "C definition"
	}
	return "`" + truncate(t.Value) + "`"
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
