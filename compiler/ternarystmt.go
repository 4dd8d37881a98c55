package compiler

import "sonde/lang/ast"

// ternaryStatements turns a ternary used as a statement, whose value
// nothing reads (`cond ? printf("a") : printf("b");`), into the if/else
// it means, so branches that have no value (printf, exit) are allowed, as
// in bpftrace. Nested ternaries in a branch become nested ifs.
func ternaryStatements(prog *ast.Program) {
	if !hasTernaryStmt(prog) {
		return
	}
	var rewrite func(n ast.Node) ast.Node
	rewrite = func(n ast.Node) ast.Node {
		s, ok := n.(*ast.ExprStmt)
		if !ok {
			return nil
		}
		t, ok := s.X.(*ast.Ternary)
		if !ok || t.Then == nil {
			return nil
		}
		branch := func(e ast.Expr) *ast.Block {
			st := ast.Clone[ast.Stmt](&ast.ExprStmt{At: ast.AtSpan(e.Span()), X: e}, rewrite)
			return &ast.Block{At: ast.AtSpan(e.Span()), Stmts: []ast.Stmt{st}}
		}
		return &ast.IfStmt{At: s.At, Cond: ast.Clone(t.Cond, rewrite), Then: branch(t.Then), Else: branch(t.Else)}
	}
	for _, p := range prog.Probes {
		p.Body = ast.Clone(p.Body, rewrite)
	}
}

func hasTernaryStmt(prog *ast.Program) bool {
	found := false
	for _, p := range prog.Probes {
		ast.Inspect(p, func(n ast.Node) bool {
			if s, ok := n.(*ast.ExprStmt); ok {
				if t, ok := s.X.(*ast.Ternary); ok && t.Then != nil {
					found = true
				}
			}
			return !found
		})
	}
	return found
}
