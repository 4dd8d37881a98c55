// Package macro expands bpftrace macros: `macro name(params) { body }`.
//
// A call of a macro becomes a block expression holding a copy of the body
// with the parameters bound: a bare parameter is replaced by the argument
// expression, a $parameter names the caller's variable (so the macro may
// change it), an @parameter names the caller's map. Variables the body
// declares itself are renamed, so a macro never clobbers its caller's.
// Macros may call macros; recursion is an error.
package macro

import (
	"fmt"

	"sonde/lang/ast"
	"sonde/lang/diag"
)

// maxDepth bounds nested expansion; deeper means recursion. maxExpansions
// bounds the total, which nesting could otherwise make exponential.
const (
	maxDepth      = 32
	maxExpansions = 10000
)

// Expand returns prog with every macro call in its probes replaced by the
// macro's body. prog itself is left as it is: the probes that change are
// copies. It reports unknown argument kinds, wrong counts and recursion.
func Expand(prog *ast.Program) (*ast.Program, error) {
	if len(prog.Macros) == 0 {
		return prog, nil
	}
	x := &expander{macros: map[string]*ast.Macro{}}
	for _, m := range prog.Macros {
		if prev, ok := x.macros[m.Name]; ok {
			x.errs.Add(diag.Errorf(m.Span(), "macro %s is defined twice (first at line %d)", m.Name, prev.Span().Start.Line))
			continue
		}
		x.macros[m.Name] = m
	}
	out := *prog
	out.Probes = make([]*ast.Probe, len(prog.Probes))
	for i, p := range prog.Probes {
		cp := *p
		if p.Pred != nil {
			cp.Pred = expand(x, p.Pred, 0)
		}
		cp.Body = expand(x, p.Body, 0)
		out.Probes[i] = &cp
	}
	x.errs.Sort()
	if err := x.errs.Err(); err != nil {
		return nil, err
	}
	return &out, nil
}

type expander struct {
	macros map[string]*ast.Macro
	errs   diag.List
	n      int // expansions so far, for unique local names
}

// expand copies n with the macro calls in it expanded.
func expand[T ast.Node](x *expander, n T, depth int) T {
	return ast.Clone(n, func(n ast.Node) ast.Node {
		switch n := n.(type) {
		case *ast.Call:
			if m, ok := x.macros[n.Name]; ok {
				return x.call(m, n, n.Args, depth)
			}
		case *ast.Ident:
			if m, ok := x.macros[n.Name]; ok && len(m.Params) == 0 {
				return x.call(m, n, nil, depth)
			}
		}
		return nil
	})
}

// call expands one use of m.
func (x *expander) call(m *ast.Macro, site ast.Node, args []ast.Expr, depth int) ast.Node {
	if depth >= maxDepth {
		x.errs.Add(diag.Errorf(site.Span(), "macro %s expands itself without end (recursion)", m.Name))
		return &ast.IntLit{At: ast.AtSpan(site.Span())}
	}
	if x.n >= maxExpansions {
		if x.n == maxExpansions {
			x.errs.Add(diag.Errorf(site.Span(), "macros expand to more than %d copies; simplify the nesting", maxExpansions))
			x.n++
		}
		return &ast.IntLit{At: ast.AtSpan(site.Span())}
	}
	if len(args) != len(m.Params) {
		x.errs.Add(diag.Errorf(site.Span(), "macro %s takes %s, not %d", m.Name, arguments(len(m.Params)), len(args)))
		return &ast.IntLit{At: ast.AtSpan(site.Span())}
	}
	exprs := map[string]ast.Expr{}
	vars := map[string]string{}
	maps := map[string]string{}
	for i, p := range m.Params {
		a := args[i]
		switch p.Kind {
		case ast.MacroExprParam:
			// Arguments are expanded in the caller's context first.
			exprs[p.Name] = expand(x, a, depth+1)
		case ast.MacroVarParam:
			v, ok := a.(*ast.Var)
			if !ok {
				x.errs.Add(diag.Errorf(a.Span(), "macro %s: parameter $%s needs a variable, as in %s($x)", m.Name, p.Name, m.Name))
				continue
			}
			vars[p.Name] = v.Name
		case ast.MacroMapParam:
			mr, ok := a.(*ast.MapRef)
			if !ok || mr.Keys != nil {
				x.errs.Add(diag.Errorf(a.Span(), "macro %s: parameter @%s needs a map, as in %s(@m)", m.Name, p.Name, m.Name))
				continue
			}
			maps[p.Name] = mr.Name
		}
	}
	x.n++
	prefix := fmt.Sprintf("%s_%d_", m.Name, x.n)
	var bind func(ast.Node) ast.Node
	bind = func(n ast.Node) ast.Node {
		switch n := n.(type) {
		case *ast.Ident:
			if e, ok := exprs[n.Name]; ok {
				return ast.Clone(e, nil)
			}
		case *ast.Var:
			if name, ok := vars[n.Name]; ok {
				return &ast.Var{At: n.At, Name: name}
			}
			// A variable of the macro's own.
			return &ast.Var{At: n.At, Name: prefix + n.Name}
		case *ast.MapRef:
			if name, ok := maps[n.Name]; ok {
				var keys []ast.Expr
				for _, k := range n.Keys {
					keys = append(keys, ast.Clone(k, bind))
				}
				return &ast.MapRef{At: n.At, Name: name, Keys: keys}
			}
		}
		return nil
	}
	body := expand(x, ast.Clone(m.Body, bind), depth+1)
	return &ast.BlockExpr{At: ast.AtSpan(site.Span()), Block: body}
}

// arguments is "1 argument", "2 arguments".
func arguments(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}
