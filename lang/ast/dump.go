package ast

import (
	"fmt"
	"strconv"
	"strings"
)

// Dump prints n as an S-expression, the form of `sonde -d ast` and of
// the parser's golden files. Spans are left out, so two trees that differ
// only in positions dump the same. Expressions print on one line, in the
// form the precedence tests use: `x+y*z` is `(+ x (* y z))`.
func Dump(n Node) string {
	var d dumper
	d.node(n, 0)
	return strings.TrimSuffix(d.b.String(), "\n")
}

type dumper struct{ b strings.Builder }

func (d *dumper) line(depth int, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

// node prints statements and root constructs, one per line.
func (d *dumper) node(n Node, depth int) {
	switch n := n.(type) {
	case *Program:
		d.line(depth, "(program")
		if n.Shebang != "" {
			d.line(depth+1, "(shebang %s)", strconv.Quote(n.Shebang))
		}
		for _, c := range n.Config {
			d.line(depth+1, "(config %s %s)", c.Name, expr(c.Value))
		}
		for _, i := range n.Includes {
			d.line(depth+1, "(include %s)", includeText(i))
		}
		for _, i := range n.Imports {
			d.line(depth+1, "(import %s)", strconv.Quote(i.Path))
		}
		for _, c := range n.CDecls {
			d.line(depth+1, "(cdecl %s)", strconv.Quote(c.Text))
		}
		for _, m := range n.MapDecls {
			d.line(depth+1, "(mapdecl @%s %s%s)", m.Name, m.Kind, exprs(m.Args))
		}
		for _, m := range n.Macros {
			d.node(m, depth+1)
		}
		for _, p := range n.Probes {
			d.node(p, depth+1)
		}
		d.line(depth, ")")
	case *Macro:
		var params []string
		for _, p := range n.Params {
			params = append(params, [...]string{"", "$", "@"}[p.Kind]+p.Name)
		}
		d.line(depth, "(macro %s (%s)", n.Name, strings.Join(params, " "))
		d.node(n.Body, depth+1)
		d.close()
	case *Probe:
		var head []string
		for _, a := range n.Attach {
			head = append(head, attach(a))
		}
		kind := "probe"
		if n.Declarative {
			kind = "probe<>"
		}
		d.line(depth, "(%s %s", kind, strings.Join(head, " "))
		if n.Pred != nil {
			d.line(depth+1, "(pred %s)", expr(n.Pred))
		}
		d.node(n.Body, depth+1)
		d.close()
	case *Block:
		if n == nil {
			d.line(depth, "(block)")
			return
		}
		d.line(depth, "(block")
		for _, s := range n.Stmts {
			d.node(s, depth+1)
		}
		if n.Value != nil {
			d.line(depth+1, "(value %s)", expr(n.Value))
		}
		d.close()
	case *IfStmt:
		d.line(depth, "(if %s", expr(n.Cond))
		d.node(n.Then, depth+1)
		if n.Else != nil {
			d.line(depth+1, "(else")
			d.node(n.Else, depth+2)
			d.close()
		}
		d.close()
	case *ForStmt:
		if n.Map != nil {
			d.line(depth, "(for %s %s", expr(n.Var), expr(n.Map))
		} else {
			d.line(depth, "(for %s (range %s %s)", expr(n.Var), expr(n.Start), expr(n.End))
		}
		d.node(n.Body, depth+1)
		d.close()
	case *WhileStmt:
		d.line(depth, "(while %s", expr(n.Cond))
		d.node(n.Body, depth+1)
		d.close()
	case *UnrollStmt:
		d.line(depth, "(unroll %s", expr(n.Count))
		d.node(n.Body, depth+1)
		d.close()
	case Stmt:
		d.line(depth, "%s", stmt(n))
	case Expr:
		d.line(depth, "%s", expr(n))
	case *Type:
		d.line(depth, "%s", typ(n))
	case nil:
		d.line(depth, "()")
	default:
		d.line(depth, "(%T)", n)
	}
}

// close appends ")" to the last line, keeping dumps compact.
func (d *dumper) close() {
	s := strings.TrimSuffix(d.b.String(), "\n")
	d.b.Reset()
	d.b.WriteString(s + ")\n")
}

func attach(a *AttachPoint) string {
	s := "(attach "
	if a.Label != "" {
		s += a.Label + "= "
	}
	s += a.Provider
	for _, p := range a.Parts {
		s += " " + strconv.Quote(p)
	}
	return s + ")"
}

// stmt prints the single-line statements.
func stmt(s Stmt) string {
	switch s := s.(type) {
	case *ExprStmt:
		return expr(s.X)
	case *AssignStmt:
		by := ""
		if s.ByKey {
			by = " :by"
		}
		return fmt.Sprintf("(%s %s %s%s)", s.Op, expr(s.Target), expr(s.Value), by)
	case *LetStmt:
		out := "(let " + expr(s.Var)
		if s.Type != nil {
			out += " " + typ(s.Type)
		}
		if s.Value != nil {
			out += " " + expr(s.Value)
		}
		return out + ")"
	case *JumpStmt:
		if s.Value != nil {
			return fmt.Sprintf("(%s %s)", s.Kind, expr(s.Value))
		}
		return "(" + s.Kind.String() + ")"
	}
	var d dumper
	d.node(s, 0)
	return oneLine(d.b.String())
}

func oneLine(s string) string {
	fields := strings.Split(strings.TrimSpace(s), "\n")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	return strings.Join(fields, " ")
}

func exprs(list []Expr) string {
	var b strings.Builder
	for _, x := range list {
		b.WriteByte(' ')
		b.WriteString(expr(x))
	}
	return b.String()
}

func expr(x Expr) string {
	switch x := x.(type) {
	case nil:
		return "()"
	case *IntLit:
		return strconv.FormatUint(x.Value, 10)
	case *BoolLit:
		return strconv.FormatBool(x.Value)
	case *StringLit:
		return strconv.Quote(x.Value)
	case *Ident:
		return x.Name
	case *Var:
		return "$" + x.Name
	case *Positional:
		if x.Count {
			return "$#"
		}
		return "$" + strconv.Itoa(x.Index)
	case *MapRef:
		if x.Keys == nil {
			return "@" + x.Name
		}
		return "(@" + x.Name + exprs(x.Keys) + ")"
	case *Call:
		return "(call " + x.Name + exprs(x.Args) + ")"
	case *Binary:
		return fmt.Sprintf("(%s %s %s)", x.Op, expr(x.X), expr(x.Y))
	case *Unary:
		return fmt.Sprintf("(%s %s)", x.Op, expr(x.X))
	case *IncDec:
		if x.Post {
			return fmt.Sprintf("(post%s %s)", x.Op, expr(x.X))
		}
		return fmt.Sprintf("(pre%s %s)", x.Op, expr(x.X))
	case *Ternary:
		if x.Then == nil {
			return fmt.Sprintf("(?: %s %s)", expr(x.Cond), expr(x.Else))
		}
		return fmt.Sprintf("(? %s %s %s)", expr(x.Cond), expr(x.Then), expr(x.Else))
	case *Field:
		op := "."
		if x.Arrow {
			op = "->"
		}
		return fmt.Sprintf("(%s %s %s)", op, expr(x.X), x.Name)
	case *Index:
		return fmt.Sprintf("([] %s %s)", expr(x.X), expr(x.Index))
	case *Cast:
		return fmt.Sprintf("(cast %s %s)", typ(x.Type), expr(x.X))
	case *Tuple:
		return "(tuple" + exprs(x.Elems) + ")"
	case *Record:
		s := "(record"
		for _, f := range x.Fields {
			s += fmt.Sprintf(" (%s %s)", f.Name, expr(f.Value))
		}
		return s + ")"
	case *Sizeof:
		if x.Type != nil {
			return "(sizeof " + typ(x.Type) + ")"
		}
		return "(sizeof " + expr(x.X) + ")"
	case *Offsetof:
		of := expr(x.X)
		if x.Type != nil {
			of = typ(x.Type)
		}
		return "(offsetof " + of + " " + strings.Join(x.Fields, " ") + ")"
	case *BlockExpr:
		var d dumper
		d.node(x.Block, 0)
		return "(block-expr " + oneLine(d.b.String()) + ")"
	}
	return fmt.Sprintf("(%T)", x)
}

// typ prints a type in angle brackets: <struct path*>, <int8[8]>.
func typ(t *Type) string {
	return "<" + TypeString(t) + ">"
}

// TypeString writes a type as source: `struct path *`, `int8[8]`,
// `typeof($x)`.
func TypeString(t *Type) string {
	var s string
	switch {
	case t == nil:
		return ""
	case t.Typeof != nil:
		s = "typeof(" + FormatExpr(t.Typeof) + ")"
	case t.TypeofT != nil:
		s = "typeof(" + TypeString(t.TypeofT) + ")"
	default:
		s = t.Name
	}
	if t.Param != 0 {
		s += "[" + strconv.Itoa(t.Param) + "]"
	}
	for i, suf := range t.Suffixes {
		if suf.Ptr {
			if i == 0 {
				s += " "
			}
			s += "*"
		} else {
			s += "[" + strconv.Itoa(suf.Len) + "]"
		}
	}
	return s
}
