package ast

// Walk visits n and its descendants depth-first, in source order. When
// f returns false the children of that node are skipped.
func Walk(n Node, f func(Node) bool) {
	if isNil(n) || !f(n) {
		return
	}
	for _, c := range Children(n) {
		Walk(c, f)
	}
}

// Inspect is Walk under the name go/ast uses.
func Inspect(n Node, f func(Node) bool) { Walk(n, f) }

// Children returns the direct children of n in source order, without nils.
func Children(n Node) []Node {
	var out []Node
	add := func(cs ...Node) {
		for _, c := range cs {
			if !isNil(c) {
				out = append(out, c)
			}
		}
	}
	switch n := n.(type) {
	case *Program:
		for _, c := range n.Config {
			add(c)
		}
		for _, c := range n.Imports {
			add(c)
		}
		for _, c := range n.CDecls {
			add(c)
		}
		for _, c := range n.Macros {
			add(c)
		}
		for _, c := range n.MapDecls {
			add(c)
		}
		for _, c := range n.Probes {
			add(c)
		}
	case *ConfigItem:
		add(n.Value)
	case *Macro:
		for _, p := range n.Params {
			add(p)
		}
		add(n.Body)
	case *MapDecl:
		for _, a := range n.Args {
			add(a)
		}
	case *Probe:
		for _, a := range n.Attach {
			add(a)
		}
		add(n.Pred, n.Body)
	case *Block:
		for _, s := range n.Stmts {
			add(s)
		}
		add(n.Value)
	case *ExprStmt:
		add(n.X)
	case *AssignStmt:
		add(n.Target, n.Value)
	case *LetStmt:
		add(n.Var, n.Type, n.Value)
	case *IfStmt:
		add(n.Cond, n.Then, n.Else)
	case *ForStmt:
		add(n.Var, n.Map, n.Start, n.End, n.Body)
	case *WhileStmt:
		add(n.Cond, n.Body)
	case *UnrollStmt:
		add(n.Count, n.Body)
	case *JumpStmt:
		add(n.Value)
	case *MapRef:
		for _, k := range n.Keys {
			add(k)
		}
	case *Call:
		for _, a := range n.Args {
			add(a)
		}
	case *Binary:
		add(n.X, n.Y)
	case *Unary:
		add(n.X)
	case *IncDec:
		add(n.X)
	case *Ternary:
		add(n.Cond, n.Then, n.Else)
	case *Field:
		add(n.X)
	case *Index:
		add(n.X, n.Index)
	case *Cast:
		add(n.Type, n.X)
	case *Tuple:
		for _, e := range n.Elems {
			add(e)
		}
	case *Record:
		for _, f := range n.Fields {
			add(f)
		}
	case *RecordField:
		add(n.Value)
	case *Sizeof:
		add(n.Type, n.X)
	case *Offsetof:
		add(n.Type, n.X)
	case *BlockExpr:
		add(n.Block)
	case *Type:
		add(n.Typeof, n.TypeofT)
	}
	return out
}

// isNil reports whether n is nil or a typed nil pointer, which optional
// fields (a nil *Block in an interface) produce.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	switch n := n.(type) {
	case *Block:
		return n == nil
	case *Type:
		return n == nil
	case *Var:
		return n == nil
	case *MapRef:
		return n == nil
	case *IfStmt:
		return n == nil
	}
	return false
}

// ConstInt evaluates a constant integer expression built from literals
// and + - * / <<; ok is false for anything else.
func ConstInt(e Expr) (v int64, ok bool) {
	switch e := e.(type) {
	case *IntLit:
		return int64(e.Value), true
	case *Unary:
		if e.Op == "-" {
			v, ok := ConstInt(e.X)
			return -v, ok
		}
	case *Binary:
		a, ok1 := ConstInt(e.X)
		b, ok2 := ConstInt(e.Y)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch e.Op {
		case "+":
			return a + b, true
		case "-":
			return a - b, true
		case "*":
			return a * b, true
		case "/":
			if b != 0 {
				return a / b, true
			}
		case "<<":
			return a << uint(b), true
		}
	}
	return 0, false
}
