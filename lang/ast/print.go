package ast

import (
	"fmt"
	"strconv"
	"strings"
)

// Format prints a program back as source. Parsing the result gives the
// same tree, spans aside; parentheses are added only where precedence
// needs them.
func Format(p *Program) string {
	f := &printer{}
	if p.Shebang != "" {
		f.line(0, p.Shebang)
	}
	if len(p.Config) > 0 {
		var items []string
		for _, c := range p.Config {
			items = append(items, c.Name+" = "+FormatExpr(c.Value))
		}
		f.line(0, "config = { "+strings.Join(items, "; ")+" }")
	}
	for _, i := range p.Includes {
		f.line(0, "#include "+includeText(i))
	}
	for _, i := range p.Imports {
		f.line(0, "import "+quote(i.Path)+";")
	}
	for _, c := range p.CDecls {
		f.line(0, c.Text)
	}
	for _, m := range p.MapDecls {
		f.line(0, fmt.Sprintf("let @%s = %s(%s);", m.Name, m.Kind, f.list(m.Args)))
	}
	for _, m := range p.Macros {
		var params []string
		for _, p := range m.Params {
			params = append(params, [...]string{"", "$", "@"}[p.Kind]+p.Name)
		}
		f.line(0, fmt.Sprintf("macro %s(%s) {", m.Name, strings.Join(params, ", ")))
		f.body(m.Body, 1)
		f.line(0, "}")
	}
	for _, pr := range p.Probes {
		f.probe(pr)
	}
	return f.b.String()
}

// SourceLine prints n back as source on one line, as a listing names what
// an instruction was compiled from: a statement or an expression as
// written, a block statement by its first line ("if ($x > 1) {"), a probe
// by its attach points and predicate.
func SourceLine(n Node) string {
	f := &printer{}
	switch n := n.(type) {
	case *Probe:
		return f.probeHead(n, ", ")
	case Stmt:
		f.stmt(n, 0)
	case Expr:
		return f.expr(n, 0)
	}
	line, _, _ := strings.Cut(f.b.String(), "\n")
	return line
}

// FormatExpr prints an expression as source.
func FormatExpr(x Expr) string {
	f := &printer{}
	return f.expr(x, 0)
}

type printer struct {
	b    strings.Builder
	decl bool // inside < >, where a bare `>` would close the block
}

func (f *printer) line(depth int, s string) {
	f.b.WriteString(strings.Repeat("\t", depth))
	f.b.WriteString(s)
	f.b.WriteByte('\n')
}

// probeHead is a probe's attach points, joined by sep, and its predicate.
func (f *printer) probeHead(p *Probe, sep string) string {
	var heads []string
	for _, a := range p.Attach {
		heads = append(heads, attachText(a))
	}
	head := strings.Join(heads, sep)
	if p.Pred != nil {
		head += " /" + f.expr(p.Pred, 0) + "/"
	}
	return head
}

func (f *printer) probe(p *Probe) {
	head := f.probeHead(p, ",\n")
	if p.Declarative {
		f.decl = true
		f.line(0, head+" <")
		f.body(p.Body, 1)
		f.line(0, ">")
		f.decl = false
		return
	}
	f.line(0, head+" {")
	f.body(p.Body, 1)
	f.line(0, "}")
}

func attachText(a *AttachPoint) string {
	if a.Raw != "" {
		return a.Raw
	}
	s := a.Provider
	if a.Label != "" {
		s = a.Label + "=" + s
	}
	for _, p := range a.Parts {
		if strings.ContainsAny(p, ": \t\"(){}<>,;") {
			p = quote(p)
		}
		s += ":" + p
	}
	return s
}

func (f *printer) body(b *Block, depth int) {
	if b == nil {
		return
	}
	for _, s := range b.Stmts {
		f.stmt(s, depth)
	}
	if b.Value != nil {
		f.line(depth, f.expr(b.Value, 0))
	}
}

func (f *printer) block(b *Block, depth int, head string) {
	f.line(depth, head+"{")
	f.body(b, depth+1)
	f.b.WriteString(strings.Repeat("\t", depth) + "}")
}

func (f *printer) stmt(s Stmt, depth int) {
	switch s := s.(type) {
	case *ExprStmt:
		f.line(depth, f.expr(s.X, 0)+";")
	case *AssignStmt:
		f.line(depth, f.assign(s)+";")
	case *LetStmt:
		out := "let " + f.expr(s.Var, 0)
		if s.Type != nil {
			out += ": " + f.typ(s.Type)
		}
		if s.Value != nil {
			out += " = " + f.expr(s.Value, 0)
		}
		f.line(depth, out+";")
	case *JumpStmt:
		if s.Value != nil {
			f.line(depth, s.Kind.String()+" "+f.expr(s.Value, 0)+";")
		} else {
			f.line(depth, s.Kind.String()+";")
		}
	case *Block:
		f.block(s, depth, "")
		f.b.WriteByte('\n')
	case *IfStmt:
		f.ifStmt(s, depth, "")
		f.b.WriteByte('\n')
	case *ForStmt:
		var head string
		if s.Map != nil {
			head = fmt.Sprintf("for (%s : %s) ", f.expr(s.Var, 0), f.expr(s.Map, 0))
		} else {
			head = fmt.Sprintf("for (%s : %s..%s) ", f.expr(s.Var, 0), f.expr(s.Start, 1), f.expr(s.End, 1))
		}
		f.block(s.Body, depth, head)
		f.b.WriteByte('\n')
	case *WhileStmt:
		f.block(s.Body, depth, "while ("+f.expr(s.Cond, 0)+") ")
		f.b.WriteByte('\n')
	case *UnrollStmt:
		f.block(s.Body, depth, "unroll ("+f.expr(s.Count, 0)+") ")
		f.b.WriteByte('\n')
	}
}

func (f *printer) ifStmt(s *IfStmt, depth int, prefix string) {
	f.block(s.Then, depth, prefix+"if ("+f.expr(s.Cond, 0)+") ")
	switch e := s.Else.(type) {
	case *IfStmt:
		f.b.WriteByte('\n')
		f.ifStmt(e, depth, "else ")
	case *Block:
		f.b.WriteByte('\n')
		f.block(e, depth, "else ")
	}
}

// assign prints an assignment; one built from `AGG by KEY` prints that
// way again so the tree round-trips.
func (f *printer) assign(s *AssignStmt) string {
	m, ok := s.Target.(*MapRef)
	if !s.ByKey || !ok {
		return f.expr(s.Target, 0) + " " + s.Op + " " + f.expr(s.Value, 0)
	}
	by := f.expr(&Tuple{Elems: m.Keys}, 0)
	if len(m.Keys) == 1 {
		if _, tuple := m.Keys[0].(*Tuple); tuple {
			by = "(" + f.expr(m.Keys[0], 0) + ",)"
		} else {
			by = f.expr(m.Keys[0], 0)
		}
	}
	return "@" + m.Name + " " + s.Op + " " + f.expr(s.Value, 0) + " by " + by
}

func (f *printer) list(xs []Expr) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, f.expr(x, 0))
	}
	return strings.Join(parts, ", ")
}

// Precedence levels for printing: 0 ternary, 1-10 binary operators as in
// the parser, then prefix, postfix and primary.
const (
	precPrefix  = 11
	precPostfix = 12
	precPrimary = 13
)

var binaryPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// expr prints x, parenthesised when its precedence is below min.
func (f *printer) expr(x Expr, min int) string {
	s, prec := f.exprPrec(x)
	if prec < min {
		return "(" + s + ")"
	}
	return s
}

func (f *printer) exprPrec(x Expr) (string, int) {
	switch x := x.(type) {
	case *IntLit:
		if x.Text != "" {
			return x.Text, precPrimary
		}
		return strconv.FormatUint(x.Value, 10), precPrimary
	case *BoolLit:
		return strconv.FormatBool(x.Value), precPrimary
	case *StringLit:
		return quote(x.Value), precPrimary
	case *Ident:
		return x.Name, precPrimary
	case *Var, *Positional:
		return expr(x), precPrimary
	case *MapRef:
		if x.Keys == nil {
			return "@" + x.Name, precPrimary
		}
		return "@" + x.Name + "[" + f.list(x.Keys) + "]", precPrimary
	case *Call:
		return x.Name + "(" + f.list(x.Args) + ")", precPrimary
	case *Binary:
		p := binaryPrec[x.Op]
		s := f.expr(x.X, p) + " " + x.Op + " " + f.expr(x.Y, p+1)
		if f.decl && x.Op == ">" {
			return "(" + s + ")", precPrimary // a bare `>` would close the block
		}
		return s, p
	case *Unary:
		return x.Op + f.operand(x.X), precPrefix
	case *IncDec:
		if x.Post {
			return f.expr(x.X, precPostfix) + x.Op, precPostfix
		}
		return x.Op + f.operand(x.X), precPrefix
	case *Ternary:
		if x.Then == nil {
			return f.expr(x.Cond, 1) + " ?: " + f.expr(x.Else, 0), 0
		}
		return f.expr(x.Cond, 1) + " ? " + f.expr(x.Then, 0) + " : " + f.expr(x.Else, 0), 0
	case *Field:
		op := "."
		if x.Arrow {
			op = "->"
		}
		return f.expr(x.X, precPostfix) + op + x.Name, precPostfix
	case *Index:
		return f.expr(x.X, precPostfix) + "[" + f.expr(x.Index, 0) + "]", precPostfix
	case *Cast:
		return "(" + f.typ(x.Type) + ")" + f.operand(x.X), precPrefix
	case *Tuple:
		if len(x.Elems) == 1 {
			return "(" + f.expr(x.Elems[0], 0) + ",)", precPrimary
		}
		return "(" + f.list(x.Elems) + ")", precPrimary
	case *Record:
		var parts []string
		for _, fl := range x.Fields {
			parts = append(parts, fl.Name+" = "+f.expr(fl.Value, 0))
		}
		return "(" + strings.Join(parts, ", ") + ")", precPrimary
	case *Sizeof:
		if x.Type != nil {
			return "sizeof(" + f.typ(x.Type) + ")", precPrimary
		}
		return "sizeof(" + f.expr(x.X, 0) + ")", precPrimary
	case *Offsetof:
		of := ""
		if x.Type != nil {
			of = f.typ(x.Type)
		} else {
			of = f.expr(x.X, 0)
		}
		return "offsetof(" + of + ", " + strings.Join(x.Fields, ".") + ")", precPrimary
	case *BlockExpr:
		var parts []string
		sub := &printer{decl: f.decl}
		for _, s := range x.Block.Stmts {
			sub.b.Reset()
			sub.stmt(s, 0)
			parts = append(parts, strings.TrimSpace(sub.b.String()))
		}
		if x.Block.Value != nil {
			parts = append(parts, f.expr(x.Block.Value, 0))
		}
		return "{ " + strings.Join(parts, " ") + " }", precPrimary
	}
	return fmt.Sprintf("/* %T */", x), precPrimary
}

// operand prints the operand of a prefix operator or cast. Another
// prefix operation is parenthesised so `-(-x)` does not become `--x`.
func (f *printer) operand(x Expr) string {
	s, prec := f.exprPrec(x)
	if prec < precPostfix {
		return "(" + s + ")"
	}
	return s
}

func (f *printer) typ(t *Type) string {
	if t.Typeof != nil {
		s := "typeof(" + f.expr(t.Typeof, 0) + ")"
		return s + strings.TrimPrefix(TypeString(&Type{Name: "", Param: t.Param, Suffixes: t.Suffixes}), "")
	}
	return TypeString(t)
}

// quote writes a string literal in the language's escapes, which are
// C's, not Go's: no \u.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// includeText is an include's operand as written: <name> or "name".
func includeText(i *Include) string {
	if i.Quoted {
		return `"` + i.Name + `"`
	}
	return "<" + i.Name + ">"
}
