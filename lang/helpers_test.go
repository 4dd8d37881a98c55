package lang

import (
	"fmt"
	"reflect"
	"strings"

	"sonde/lang/ast"
)

// stripSpans zeroes every span in the tree, so trees can be compared
// with reflect.DeepEqual regardless of where their text sat.
func stripSpans(n any) {
	strip(reflect.ValueOf(n))
}

var atType = reflect.TypeOf(ast.At{})

func strip(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			strip(v.Elem())
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			strip(v.Index(i))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if f.Type() == atType {
				f.Set(reflect.Zero(atType))
				continue
			}
			strip(f)
		}
	}
}

// normalise strips spans and what only records how a program was
// written (provider aliases, the declarative form, literal spelling),
// leaving what it means.
func normalise(p *ast.Program) {
	stripSpans(p)
	ast.Walk(p, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Probe:
			n.Declarative = false
		case *ast.AttachPoint:
			n.Raw = ""
			n.Provider, _ = CanonicalProvider(n.Provider)
		case *ast.AssignStmt:
			n.ByKey = false
		case *ast.IntLit:
			n.Text = ""
		}
		return true
	})
}

// spansOf lists every node with its span, "Kind line:col-line:col".
func spansOf(n ast.Node) string {
	var b strings.Builder
	ast.Walk(n, func(n ast.Node) bool {
		s := n.Span()
		fmt.Fprintf(&b, "%s %d:%d-%d:%d\n", strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."), s.Start.Line, s.Start.Col, s.End.Line, s.End.Col)
		return true
	})
	return b.String()
}
