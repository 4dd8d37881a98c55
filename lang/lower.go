package lang

import (
	"sonde/internal/spell"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"sonde/lang/ast"
	"sonde/lang/diag"
)

// lowerer turns grammar structs into ast nodes and reports what the
// grammar accepts but the language does not (assigning to a call,
// `break 1`, a missing `;`).
type lowerer struct {
	errs *diag.List
	bare []*bareAgg // bare aggregations, named once the whole script is read
}

func (l *lowerer) span(toks []lexer.Token) ast.Span {
	if len(toks) == 0 {
		return ast.Span{}
	}
	return ast.Span{Start: tokenSpan(toks[0]).Start, End: tokenSpan(toks[len(toks)-1]).End}
}

func (l *lowerer) tokSpan(t lexer.Token) ast.Span { return tokenSpan(t) }

func join(a, b ast.Node) ast.Span {
	return ast.Span{Start: a.Span().Start, End: b.Span().End}
}

func (l *lowerer) errorf(sp ast.Span, format string, args ...any) *diag.Diagnostic {
	return l.errs.Errorf(sp, format, args...)
}

// --- root constructs ---

func (l *lowerer) probe(g *gProbe) *ast.Probe {
	p := &ast.Probe{At: ast.At(l.span(g.Tokens))}
	for _, a := range g.Attach {
		p.Attach = append(p.Attach, l.attach(a))
	}
	if g.Pred != nil {
		p.Pred = l.expr(g.Pred)
	}
	if g.Decl != nil {
		p.Declarative = true
		p.Body = &ast.Block{At: ast.At(l.span(g.Decl.Tokens))}
		p.Body.Stmts, _ = l.stmts(g.Decl.Stmts, false)
	} else {
		p.Body = l.block(g.Body, false)
	}
	return p
}

func (l *lowerer) attach(g *gAttach) *ast.AttachPoint {
	sp := l.span(g.Tokens)
	a := &ast.AttachPoint{At: ast.At(sp), Raw: g.Text}
	text := g.Text
	if eq := strings.IndexByte(text, '='); eq > 0 && !strings.ContainsAny(text[:eq], ":\"") {
		a.Label, text = text[:eq], text[eq+1:]
		if identAt([]byte(a.Label), 0) != a.Label {
			l.errorf(sp, "invalid probe label `%s`: a label is a name", a.Label)
		}
	}
	var err error
	a.Provider, a.Parts, err = SplitAttach(text)
	if err != nil {
		l.errorf(sp, "in attach point: %v", err)
	}
	if strings.Contains(a.Provider, "$") {
		// A positional parameter in the probe type (`BEG$1`, `$1`): the
		// compiler substitutes the parameters and splits it again.
		return a
	}
	if _, ok := CanonicalProvider(a.Provider); !ok {
		psp := sp
		psp.Start.Col += len(g.Text) - len(text)
		psp.Start.Offset += len(g.Text) - len(text)
		psp.End = psp.Start
		psp.End.Col += len(a.Provider)
		psp.End.Offset += len(a.Provider)
		if a.Provider == "" {
			l.errorf(psp, "missing probe type before `:`")
		} else if s := suggestProvider(a.Provider); s != "" {
			l.errorf(psp, "unknown probe type `%s`; did you mean `%s`?", a.Provider, s)
		} else {
			l.errorf(psp, "unknown probe type `%s`", a.Provider)
		}
	}
	return a
}

func suggestProvider(name string) string {
	s := spell.DidYouMean(strings.ToLower(name), providerNames)
	if s != "" && name == strings.ToUpper(name) {
		s = strings.ToUpper(s)
	}
	return s
}

// SplitAttach splits an attach point's text (without its label) into the
// provider as written and the unquoted components after it.
func SplitAttach(text string) (provider string, parts []string, err error) {
	all := splitAttach(text)
	for _, part := range all[1:] {
		if strings.HasPrefix(part, `"`) {
			// A quoted name may carry an offset: "fn"+8.
			rest := ""
			if end := closingQuote(part); end > 0 && end < len(part)-1 && part[end+1] == '+' {
				part, rest = part[:end+1], part[end+1:]
			}
			v, _, uerr := unquote(part)
			if uerr != nil && err == nil {
				err = uerr
			}
			part = v + rest
		}
		parts = append(parts, part)
	}
	return all[0], parts, err
}

// closingQuote is the index of the quote that closes the string s starts
// with, or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// splitAttach splits at colons outside double quotes.
func splitAttach(text string) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				parts = append(parts, text[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, text[start:])
}

func (l *lowerer) config(g *gConfig) []*ast.ConfigItem {
	var out []*ast.ConfigItem
	for _, it := range g.Items {
		v := l.expr(it.Value)
		switch x := v.(type) {
		case *ast.IntLit, *ast.StringLit, *ast.BoolLit, *ast.Ident:
		default:
			l.errorf(x.Span(), "a config value is a number, a string, true/false or a name")
		}
		out = append(out, &ast.ConfigItem{At: ast.At(l.span(it.Tokens)), Name: it.Name, Value: v})
	}
	return out
}

func (l *lowerer) importDecl(g *gImport) *ast.Import {
	path, _, err := unquote(g.Path)
	if err != nil {
		l.errorf(l.span(g.Tokens), "%v", err)
	}
	return &ast.Import{At: ast.At(l.span(g.Tokens)), Path: path}
}

func (l *lowerer) macro(g *gMacro) *ast.Macro {
	m := &ast.Macro{At: ast.At(l.span(g.Tokens)), Name: g.Name}
	for _, p := range g.Params {
		mp := &ast.MacroParam{At: ast.At(l.span(p.Tokens)), Name: p.Name}
		switch p.Name[0] {
		case '$':
			mp.Kind, mp.Name = ast.MacroVarParam, p.Name[1:]
		case '@':
			mp.Kind, mp.Name = ast.MacroMapParam, p.Name[1:]
		}
		m.Params = append(m.Params, mp)
	}
	m.Body = l.block(g.Body, true)
	return m
}

func (l *lowerer) mapDecl(g *gMapDecl) *ast.MapDecl {
	d := &ast.MapDecl{At: ast.At(l.span(g.Tokens)), Name: g.Name[1:], Kind: g.Kind}
	for _, a := range g.Args {
		d.Args = append(d.Args, l.expr(a))
	}
	return d
}

// --- statements ---

// block lowers `{ ... }`. With value, a trailing expression without `;`
// becomes the block's value (macro bodies, block expressions).
func (l *lowerer) block(g *gBlock, value bool) *ast.Block {
	b := &ast.Block{At: ast.At(l.span(g.Tokens))}
	b.Stmts, b.Value = l.stmts(g.Stmts, value)
	return b
}

func (l *lowerer) stmts(list []*gStmt, value bool) ([]ast.Stmt, ast.Expr) {
	var out []ast.Stmt
	var val ast.Expr
	for i, g := range list {
		if g.Empty {
			continue
		}
		st := l.stmt(g)
		if st == nil {
			continue
		}
		if g.Simple != nil && !g.Simple.Semi {
			last := i == len(list)-1
			if es, ok := st.(*ast.ExprStmt); ok && last && value {
				val = es.X
				continue
			}
			if !last {
				end := st.Span().End
				l.errorf(ast.Span{Start: end, End: end}, "expected `;` after this statement")
			}
		}
		out = append(out, st)
	}
	return out, val
}

func (l *lowerer) stmt(g *gStmt) ast.Stmt {
	switch {
	case g.If != nil:
		return l.ifStmt(g.If)
	case g.For != nil:
		return l.forStmt(g.For)
	case g.While != nil:
		return &ast.WhileStmt{At: ast.At(l.span(g.While.Tokens)), Cond: l.expr(g.While.Cond), Body: l.block(g.While.Body, false)}
	case g.Unroll != nil:
		return &ast.UnrollStmt{At: ast.At(l.span(g.Unroll.Tokens)), Count: l.expr(g.Unroll.Count), Body: l.block(g.Unroll.Body, false)}
	case g.Block != nil:
		return l.block(g.Block, false)
	case g.Simple != nil:
		return l.simple(g.Simple)
	}
	return nil
}

func (l *lowerer) ifStmt(g *gIf) *ast.IfStmt {
	s := &ast.IfStmt{At: ast.At(l.span(g.Tokens)), Cond: l.expr(g.Cond), Then: l.block(g.Then, false)}
	switch {
	case g.ElseIf != nil:
		s.Else = l.ifStmt(g.ElseIf)
	case g.Else != nil:
		s.Else = l.block(g.Else, false)
	}
	return s
}

func (l *lowerer) forStmt(g *gFor) *ast.ForStmt {
	h := g.Head
	s := &ast.ForStmt{At: ast.At(l.span(g.Tokens)), Body: l.block(g.Body, false)}
	x := l.expr(h.X)
	// The variable's span is not captured separately; it is the token
	// after `for` or `(`.
	s.Var = &ast.Var{At: ast.At(l.varSpan(g.Tokens, h.Var)), Name: h.Var[1:]}
	if h.End != nil {
		s.Start, s.End = x, l.expr(h.End)
		return s
	}
	if m, ok := x.(*ast.MapRef); ok && m.Keys == nil {
		s.Map = m
		return s
	}
	l.errorf(x.Span(), "`for` iterates over a map (`for ($kv : @m)`) or a range (`for ($i : 0..10)`)")
	return s
}

// varSpan finds the span of the first token with value name.
func (l *lowerer) varSpan(toks []lexer.Token, name string) ast.Span {
	for _, t := range toks {
		if t.Value == name {
			return l.tokSpan(t)
		}
	}
	return l.span(toks)
}

func (l *lowerer) simple(g *gSimple) ast.Stmt {
	switch {
	case g.Jump != "":
		return l.jump(g)
	case g.Let != nil:
		return g.Let
	}
	x, by := g.X, g.By
	if g.Op == "" {
		if c, ok := x.(*ast.Call); ok && isAggregation(c.Name) {
			return l.bareAggregation(c, by)
		}
		if by != nil {
			l.errorf(by.Span(), "`by` groups an aggregation (%s); this statement has none", aggregationList())
		}
		return &ast.ExprStmt{At: ast.At(x.Span()), X: x}
	}
	st := &ast.AssignStmt{At: ast.At(join(x, g.Value)), Target: x, Op: g.Op, Value: g.Value}
	switch t := x.(type) {
	case *ast.Var:
	case *ast.MapRef:
		if by != nil {
			l.keyedAggregation(st, t, by)
		}
		return st
	case *ast.Ident:
		if t.Name == "_" && g.Op == "=" {
			break
		}
		l.errorf(x.Span(), "cannot assign to `%s`; assign to a variable ($x) or a map (@x)", t.Name)
	default:
		l.errorf(x.Span(), "cannot assign to this expression; assign to a variable ($x) or a map (@x)")
	}
	if by != nil {
		l.errorf(by.Span(), "`by` groups an aggregation stored in a map: `@name = count() by comm`")
	}
	return st
}

func (l *lowerer) jump(g *gSimple) ast.Stmt {
	s := &ast.JumpStmt{At: between(g.First, g.Last)}
	switch g.Jump {
	case "break":
		s.Kind = ast.Break
	case "continue":
		s.Kind = ast.Continue
	default:
		s.Kind = ast.Return
	}
	if g.JumpValue != nil {
		s.Value = g.JumpValue
		s.At.End = s.Value.Span().End
		if s.Kind != ast.Return {
			l.errorf(s.Value.Span(), "`%s` takes no value", s.Kind)
		}
	}
	return s
}

// --- expressions and types are built by the parser (exprparse.go) ---

func (l *lowerer) expr(g *gExpr) ast.Expr { return g.X }

func (l *lowerer) typ(g *gType) *ast.Type { return g.T }
