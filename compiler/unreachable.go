package compiler

import (
	"sonde/lang/ast"
	"sonde/plan"
)

// warnUnreachable warns once per block about statements after one that
// never falls through (exit(), return, break, continue): they never run.
func (c *compiler) warnUnreachable(prog *ast.Program) {
	for _, p := range prog.Probes {
		ast.Inspect(p, func(n ast.Node) bool {
			b, ok := n.(*ast.Block)
			if !ok {
				return true
			}
			for i, s := range b.Stmts {
				if !endsFlow(s) {
					continue
				}
				var next ast.Node
				switch {
				case i+1 < len(b.Stmts):
					next = b.Stmts[i+1]
				case b.Value != nil:
					next = b.Value
				}
				if next != nil {
					sp := next.Span()
					c.spec.Warnings = append(c.spec.Warnings, plan.Warning{Pos: sp.Start, End: sp.End, Msg: "Unreachable statement: it follows one that ends the probe or loop"})
				}
				break
			}
			return true
		})
	}
}

func endsFlow(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.JumpStmt:
		return true
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.Call)
		return ok && call.Name == "exit"
	}
	return false
}
