package compiler

import (
	"strconv"

	"sonde/lang/ast"
)

// bindPositionals makes the positional parameters constants of the
// script, as bpftrace does: a numeric `$1` (and `$#`) becomes an integer
// literal, and `str($1)` the string literal, so they go wherever a
// literal must (unroll counts, lhist bounds, strncmp and buf lengths,
// stack limits, kaddr names). A parameter that is not a number stays a
// string; a missing one keeps reading as 0.
func bindPositionals(prog *ast.Program, args []string) {
	if len(args) == 0 || !usesPositionals(prog) {
		return
	}
	bind := func(n ast.Node) ast.Node {
		switch n := n.(type) {
		case *ast.Positional:
			if n.Count {
				return &ast.IntLit{At: n.At, Value: uint64(len(args)), Text: strconv.Itoa(len(args))}
			}
			return positionalInt(n, args)
		case *ast.Call:
			if p, ok := onlyArg(n).(*ast.Positional); ok && n.Name == "str" && !p.Count {
				v := ""
				if p.Index <= len(args) {
					v = args[p.Index-1]
				}
				return &ast.StringLit{At: n.At, Value: v}
			}
		}
		return nil
	}
	for _, p := range prog.Probes {
		if p.Pred != nil {
			p.Pred = ast.Clone(p.Pred, bind)
		}
		p.Body = ast.Clone(p.Body, bind)
	}
}

// positionalInt is the literal for a numeric parameter, or nil.
func positionalInt(p *ast.Positional, args []string) ast.Node {
	if p.Index < 1 || p.Index > len(args) {
		return nil
	}
	s := args[p.Index-1]
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		return &ast.IntLit{At: p.At, Value: u, Text: s}
	}
	if n, err := strconv.ParseInt(s, 0, 64); err == nil && n < 0 {
		return &ast.Unary{At: p.At, Op: "-", X: &ast.IntLit{At: p.At, Value: uint64(-n), Text: s[1:]}}
	}
	return nil
}

func onlyArg(c *ast.Call) ast.Expr {
	if len(c.Args) == 1 {
		return c.Args[0]
	}
	return nil
}

func usesPositionals(prog *ast.Program) bool {
	found := false
	for _, p := range prog.Probes {
		ast.Inspect(p, func(n ast.Node) bool {
			if _, ok := n.(*ast.Positional); ok {
				found = true
			}
			return !found
		})
	}
	return found
}
