package lang

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"sonde/lang/ast"
	"sonde/lang/diag"
)

// lowerer turns grammar structs into ast nodes and reports what the
// grammar accepts but the language does not (assigning to a call,
// `break 1`, a missing `;`).
type lowerer struct {
	s    *scanner
	errs *diag.List
	bare []*bareAgg // bare aggregations, named once the whole script is read
}

func (l *lowerer) span(toks []lexer.Token) ast.Span {
	if len(toks) == 0 {
		return ast.Span{}
	}
	return ast.Span{Start: l.s.astPos(toks[0].Pos), End: l.s.astPos(l.s.tokEnd(toks[len(toks)-1]))}
}

func (l *lowerer) tokSpan(t lexer.Token) ast.Span {
	return l.span([]lexer.Token{t})
}

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
	parts := splitAttach(text)
	a.Provider = parts[0]
	for _, part := range parts[1:] {
		if strings.HasPrefix(part, `"`) {
			v, _, err := unquote(part)
			if err != nil {
				l.errorf(sp, "in attach point: %v", err)
			}
			part = v
		}
		a.Parts = append(a.Parts, part)
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
	s := diag.DidYouMean(strings.ToLower(name), providerNames)
	if s != "" && name == strings.ToUpper(name) {
		s = strings.ToUpper(s)
	}
	return s
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
	for _, a := range g.Args.List {
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
	case g.Jump != nil:
		return l.jump(g.Jump)
	case g.Let != nil:
		return l.let(g.Let)
	}
	x := l.expr(g.X)
	var by ast.Expr
	if g.By != nil {
		by = l.expr(g.By)
	}
	if g.Op == "" {
		if c, ok := x.(*ast.Call); ok && aggregations[c.Name] {
			return l.bareAggregation(c, by)
		}
		if by != nil {
			l.errorf(by.Span(), "`by` groups an aggregation (count, sum, avg, min, max, stats, hist, lhist); this statement has none")
		}
		return &ast.ExprStmt{At: ast.At(x.Span()), X: x}
	}
	value := l.expr(g.Value)
	st := &ast.AssignStmt{At: ast.At(join(x, value)), Target: x, Op: g.Op, Value: value}
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

func (l *lowerer) jump(g *gJump) ast.Stmt {
	s := &ast.JumpStmt{At: ast.At(l.span(g.Tokens))}
	switch g.Kind {
	case "break":
		s.Kind = ast.Break
	case "continue":
		s.Kind = ast.Continue
	default:
		s.Kind = ast.Return
	}
	if g.Value != nil {
		s.Value = l.expr(g.Value)
		if s.Kind != ast.Return {
			l.errorf(s.Value.Span(), "`%s` takes no value", s.Kind)
		}
	}
	return s
}

func (l *lowerer) let(g *gLet) ast.Stmt {
	s := &ast.LetStmt{At: ast.At(l.span(g.Tokens))}
	s.Var = &ast.Var{At: ast.At(l.varSpan(g.Tokens, g.Var)), Name: g.Var[1:]}
	if g.Type != nil {
		s.Type = l.typ(g.Type)
	}
	if g.Value != nil {
		s.Value = l.expr(g.Value)
	}
	return s
}

// --- expressions ---

func (l *lowerer) expr(g *gExpr) ast.Expr {
	cond := l.binary(g.Cond)
	if g.Tern == nil {
		return cond
	}
	t := &ast.Ternary{Cond: cond, Else: l.expr(g.Tern.Else)}
	if g.Tern.Then != nil {
		t.Then = l.expr(g.Tern.Then)
	}
	t.At = ast.At(join(cond, t.Else))
	return t
}

// precedence of binary operators, loosest first, as in bpftrace (and C:
// `&` and `|` bind looser than `==`). All are left-associative.
var precedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary arranges the flat operand/operator list by precedence
// (operator-precedence parsing with two stacks).
func (l *lowerer) binary(g *gBinary) ast.Expr {
	if len(g.Rest) == 0 {
		return l.unary(g.X)
	}
	out := []ast.Expr{l.unary(g.X)}
	var ops []string
	reduce := func() {
		op := ops[len(ops)-1]
		ops = ops[:len(ops)-1]
		x, y := out[len(out)-2], out[len(out)-1]
		out = append(out[:len(out)-2], &ast.Binary{At: ast.At(join(x, y)), Op: op, X: x, Y: y})
	}
	for _, r := range g.Rest {
		for len(ops) > 0 && precedence[ops[len(ops)-1]] >= precedence[r.Op] {
			reduce()
		}
		ops = append(ops, r.Op)
		out = append(out, l.unary(r.Y))
	}
	for len(ops) > 0 {
		reduce()
	}
	return out[0]
}

func (l *lowerer) unary(g *gUnary) ast.Expr {
	switch {
	case g.Cast != nil:
		return &ast.Cast{At: ast.At(l.span(g.Cast.Tokens)), Type: l.typ(g.Cast.Type), X: l.unary(g.Cast.X)}
	case g.Post != nil:
		return l.postfix(g.Post)
	}
	x := l.unary(g.X)
	sp := l.span(g.Tokens)
	if g.Op == "++" || g.Op == "--" {
		return &ast.IncDec{At: ast.At(sp), Op: g.Op, X: x}
	}
	return &ast.Unary{At: ast.At(sp), Op: g.Op, X: x}
}

func (l *lowerer) postfix(g *gPostfix) ast.Expr {
	x := l.primary(g.X)
	for _, op := range g.Ops {
		sp := ast.Span{Start: x.Span().Start, End: l.span(op.Tokens).End}
		switch {
		case op.Index != nil:
			x = &ast.Index{At: ast.At(sp), X: x, Index: l.expr(op.Index)}
		case op.IncDec != "":
			x = &ast.IncDec{At: ast.At(sp), Op: op.IncDec, Post: true, X: x}
		default:
			x = &ast.Field{At: ast.At(sp), X: x, Name: op.Field, Arrow: op.Arrow}
		}
	}
	return x
}

func (l *lowerer) primary(g *gPrimary) ast.Expr {
	sp := l.span(g.Tokens)
	switch {
	case g.Int != nil:
		v, err := parseInt(*g.Int)
		if err != nil {
			l.errorf(sp, "%v", err)
		}
		return &ast.IntLit{At: ast.At(sp), Value: v, Text: *g.Int}
	case g.Str != nil:
		v, at, err := unquote(*g.Str)
		if err != nil {
			esp := sp
			esp.Start.Col += at
			esp.Start.Offset += at
			esp.End = esp.Start
			esp.End.Col += 2
			esp.End.Offset += 2
			l.errorf(esp, "%v", err)
		}
		return &ast.StringLit{At: ast.At(sp), Value: v}
	case g.Bool != nil:
		return &ast.BoolLit{At: ast.At(sp), Value: *g.Bool == "true"}
	case g.Var != nil:
		return &ast.Var{At: ast.At(sp), Name: (*g.Var)[1:]}
	case g.Pos != nil:
		if *g.Pos == "$#" {
			return &ast.Positional{At: ast.At(sp), Count: true}
		}
		n, err := strconv.Atoi((*g.Pos)[1:])
		if err != nil || n == 0 {
			l.errorf(sp, "invalid positional parameter `%s`; they start at $1", *g.Pos)
		}
		return &ast.Positional{At: ast.At(sp), Index: n}
	case g.Map != nil:
		m := &ast.MapRef{At: ast.At(sp), Name: g.Map.Name[1:]}
		for _, k := range g.Map.Keys {
			m.Keys = append(m.Keys, l.expr(k))
		}
		return m
	case g.Sizeof != nil:
		s := &ast.Sizeof{At: ast.At(sp)}
		if g.Sizeof.Type != nil {
			s.Type = l.typ(g.Sizeof.Type)
		} else {
			s.X = l.expr(g.Sizeof.X)
		}
		return s
	case g.Offsetof != nil:
		o := &ast.Offsetof{At: ast.At(sp), Fields: g.Offsetof.Fields}
		if g.Offsetof.Type != nil {
			o.Type = l.typ(g.Offsetof.Type)
		} else {
			o.X = l.expr(g.Offsetof.X)
		}
		return o
	case g.Call != nil:
		if g.Call.Args == nil {
			return &ast.Ident{At: ast.At(sp), Name: g.Call.Name}
		}
		c := &ast.Call{At: ast.At(sp), Name: g.Call.Name}
		for _, a := range g.Call.Args.List {
			c.Args = append(c.Args, l.expr(a))
		}
		return c
	case g.Config:
		return &ast.Ident{At: ast.At(sp), Name: "config"}
	case g.Paren != nil:
		return l.paren(g.Paren, sp)
	case g.Block != nil:
		return &ast.BlockExpr{At: ast.At(sp), Block: l.block(g.Block, true)}
	}
	return &ast.Ident{At: ast.At(sp), Name: "?"} // unreachable: the grammar matched one
}

// paren lowers `(...)`: a grouping, a tuple or a record.
func (l *lowerer) paren(g *gParen, sp ast.Span) ast.Expr {
	named := 0
	for _, e := range g.Elems {
		if e.Name != "" {
			named++
		}
	}
	if named > 0 {
		if named != len(g.Elems) {
			l.errorf(sp, "a record names every field: `(a = 1, b = 2)`")
		}
		r := &ast.Record{At: ast.At(sp)}
		for _, e := range g.Elems {
			r.Fields = append(r.Fields, &ast.RecordField{At: ast.At(l.span(e.Tokens)), Name: e.Name, Value: l.expr(e.Value)})
		}
		return r
	}
	for _, e := range g.Elems[:max(0, len(g.Elems)-1)] {
		if !e.Comma {
			l.errorf(ast.Span{Start: l.span(e.Tokens).End, End: l.span(e.Tokens).End}, "expected `,` between elements")
		}
	}
	if len(g.Elems) == 1 && !g.Elems[0].Comma {
		return l.expr(g.Elems[0].Value)
	}
	t := &ast.Tuple{At: ast.At(sp)}
	for _, e := range g.Elems {
		t.Elems = append(t.Elems, l.expr(e.Value))
	}
	return t
}

func (l *lowerer) typ(g *gType) *ast.Type {
	t := &ast.Type{At: ast.At(l.span(g.Tokens))}
	switch {
	case g.Typeof != nil:
		if g.Typeof.Type != nil {
			t.TypeofT = l.typ(g.Typeof.Type)
		} else {
			t.Typeof = l.expr(g.Typeof.X)
		}
	case g.Kind != "":
		t.Name = g.Kind + " " + g.Name
	default:
		t.Name = g.Name
	}
	for i, s := range g.Suffixes {
		if s.Ptr {
			t.Suffixes = append(t.Suffixes, ast.TypeSuffix{Ptr: true})
			continue
		}
		n, err := parseInt(*s.Len)
		if err != nil || n == 0 || n > 1<<31 {
			l.errorf(t.Span(), "invalid size `%s` in type", *s.Len)
		}
		if i == 0 && (t.Name == "string" || t.Name == "buffer") {
			t.Param = int(n) // string[64] sizes the string; it is not an array
			continue
		}
		t.Suffixes = append(t.Suffixes, ast.TypeSuffix{Len: int(n)})
	}
	return t
}
