package lang

import (
	"sonde/lang/ast"
)

// The declarative form: a bare aggregation call is a statement that
// aggregates into a map, and `by KEY` / `by (K1, K2)` gives the map its
// keys. Both are lowered to the ordinary assignment they mean, with the
// original spans, so later passes never see the sugar.

// bareAgg is an aggregation written without a map, waiting for its name:
// `@` when it is the script's only one, else the function's name.
type bareAgg struct {
	stmt *ast.AssignStmt
	call *ast.Call
}

// bareAggregation lowers `count()` or `hist(x) by comm`.
func (l *lowerer) bareAggregation(c *ast.Call, by ast.Expr) *ast.AssignStmt {
	m := &ast.MapRef{At: c.At, Keys: byKeys(by)}
	st := &ast.AssignStmt{At: c.At, Target: m, Op: "=", Value: c, ByKey: by != nil}
	if by != nil {
		st.At.End = by.Span().End
	}
	l.bare = append(l.bare, &bareAgg{stmt: st, call: c})
	return st
}

// keyedAggregation lowers `@name = AGG by KEY` into `@name[KEY] = AGG`.
func (l *lowerer) keyedAggregation(st *ast.AssignStmt, m *ast.MapRef, by ast.Expr) {
	c, ok := st.Value.(*ast.Call)
	switch {
	case st.Op != "=":
		l.errorf(by.Span(), "`by` only follows `=`: `@%s = sum(x) by comm`", m.Name)
	case !ok || !isAggregation(c.Name):
		l.errorf(by.Span(), "`by` groups an aggregation (%s); the value here is not one", aggregationList())
	case m.Keys != nil:
		l.errorf(by.Span(), "@%s already has keys; use either `@%s[...]` or `by`, not both", m.Name, m.Name)
	default:
		m.Keys = byKeys(by)
		st.ByKey = true
		st.At.End = by.Span().End
	}
}

// byKeys turns `by comm` into [comm] and `by (a, b)` into [a, b].
func byKeys(by ast.Expr) []ast.Expr {
	switch k := by.(type) {
	case nil:
		return nil
	case *ast.Tuple:
		return k.Elems
	}
	return []ast.Expr{by}
}

// nameAggregations applies the naming rule once the whole script is
// read: one bare aggregation goes into `@`; several are named after
// their function, and two of the same function must be named by hand.
func (l *lowerer) nameAggregations() {
	if len(l.bare) == 1 {
		return // already the unnamed map
	}
	first := map[string]*bareAgg{}
	for _, b := range l.bare {
		name := b.call.Name
		if f, dup := first[name]; dup {
			fp := f.call.Span().Start
			l.errorf(b.call.Span(), "a second bare `%s()` (the first is at %d:%d); name them: `@lat = %s(...)`", name, fp.Line, fp.Col, name).
				WithHint("with several bare aggregations each goes into a map named after its function, so two `%s()` would share @%s", name, name)
			continue
		}
		first[name] = b
		b.stmt.Target.(*ast.MapRef).Name = name
	}
}
