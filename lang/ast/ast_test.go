package ast_test

import (
	"testing"

	"sonde/lang"
	"sonde/lang/ast"
)

func TestWalkVisitsEveryNode(t *testing.T) {
	p, err := lang.Parse("w.sd", []byte(`BEGIN { let $x: uint8 = (uint8)1; if $x { @m[$x, 2] = sizeof(int32) + (a = 1).a; } }`))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	ast.Walk(p, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.Type:
			seen["type"]++
		case *ast.MapRef:
			seen["map"]++
		case *ast.RecordField:
			seen["field"]++
		case *ast.IntLit:
			seen["int"]++
		}
		return true
	})
	if seen["type"] != 3 || seen["map"] != 1 || seen["field"] != 1 || seen["int"] != 3 {
		t.Errorf("visited %v", seen)
	}
	n := 0
	ast.Inspect(p, func(ast.Node) bool { n++; return false })
	if n != 1 {
		t.Errorf("returning false still descended: %d nodes", n)
	}
}

// Format prints trees built by hand, without the text they came from.
func TestFormatSynthetic(t *testing.T) {
	p := &ast.Program{Probes: []*ast.Probe{{
		Attach: []*ast.AttachPoint{{Provider: "uprobe", Parts: []string{"/bin/with:colon", "f"}}},
		Body: &ast.Block{Stmts: []ast.Stmt{
			&ast.AssignStmt{Target: &ast.MapRef{}, Op: "=", Value: &ast.Binary{Op: "*",
				X: &ast.Binary{Op: "+", X: &ast.IntLit{Value: 1}, Y: &ast.IntLit{Value: 2}},
				Y: &ast.Unary{Op: "-", X: &ast.Unary{Op: "-", X: &ast.StringLit{Value: "a\x01\"é"}}}}},
		}},
	}}}
	want := "uprobe:\"/bin/with:colon\":f {\n\t@ = (1 + 2) * -(-\"a\\x01\\\"\\xc3\\xa9\");\n}\n"
	if got := ast.Format(p); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if _, err := lang.Parse("f.sd", []byte(want)); err != nil {
		t.Errorf("formatted text does not parse: %v", err)
	}
}

// SourceLine names what an instruction was compiled from on one line.
func TestSourceLine(t *testing.T) {
	p, err := lang.Parse("s.sd", []byte("tracepoint:a:b, tracepoint:a:c /pid > 1/ {\n  @[comm] = count();\n  if ($x > 1) { $y = 2; } else { exit(); }\n  printf(\"%d\\n\", 1 + 2 * 3);\n}"))
	if err != nil {
		t.Fatal(err)
	}
	probe := p.Probes[0]
	for _, c := range []struct {
		n    ast.Node
		want string
	}{
		{probe, "tracepoint:a:b, tracepoint:a:c /pid > 1/"},
		{probe.Pred, "pid > 1"},
		{probe.Body.Stmts[0], "@[comm] = count();"},
		{probe.Body.Stmts[1], "if ($x > 1) {"},
		{probe.Body.Stmts[2], `printf("%d\n", 1 + 2 * 3);`},
	} {
		if got := ast.SourceLine(c.n); got != c.want {
			t.Errorf("SourceLine = %q, want %q", got, c.want)
		}
	}
}
