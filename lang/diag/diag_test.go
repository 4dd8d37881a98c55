package diag

import (
	"bytes"
	"strings"
	"testing"

	"sonde/lang/ast"
)

func span(line, col, endCol int) ast.Span {
	return ast.Span{
		Start: ast.Pos{File: "script.sd", Line: line, Col: col},
		End:   ast.Pos{File: "script.sd", Line: line, Col: endCol},
	}
}

func TestRender(t *testing.T) {
	src := []byte("BEGIN {\n  @[curtask->pidd] = count();\n}\n")
	d := Errorf(span(2, 14, 18), "struct task_struct has no field %q", "pidd").
		WithHint("did you mean %q?", "pid")
	want := `script.sd:2:14: error: struct task_struct has no field "pidd"
  2 |   @[curtask->pidd] = count();
    |              ^~~~
  = hint: did you mean "pid"?
`
	if got := Render(d, src); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := d.Error(); got != `script.sd:2:14: error: struct task_struct has no field "pidd"` {
		t.Errorf("Error() = %q", got)
	}
}

func TestRenderTabsAndLongLines(t *testing.T) {
	d := Errorf(span(1, 3, 4), "x")
	if got := Render(d, []byte("\t\tx")); !strings.Contains(got, "  1 | \t\tx\n    | \t\t^\n") {
		t.Errorf("tabs not kept under the caret:\n%q", got)
	}
	long := strings.Repeat("a", 5000) + "BAD" + strings.Repeat("b", 5000)
	d = Errorf(span(1, 5001, 5004), "bad")
	got := Render(d, []byte(long))
	lines := strings.Split(got, "\n")
	if len(lines[1]) > maxShown+10 || !strings.Contains(lines[1], "BAD") {
		t.Errorf("long line not windowed around the error: %q", lines[1])
	}
	if i, j := strings.Index(lines[1], "BAD"), strings.Index(lines[2], "^~~"); i != j {
		t.Errorf("caret at %d, error text at %d", j, i)
	}
	// Unknown source or a position past the text: just the first line.
	if got := Render(Errorf(span(9, 1, 2), "gone"), []byte("x\n")); got != "script.sd:9:1: error: gone\n" {
		t.Errorf("got %q", got)
	}
}

func TestList(t *testing.T) {
	var l List
	l.Errorf(span(3, 1, 2), "third")
	l.Errorf(span(1, 5, 6), "first, later column")
	l.Errorf(span(1, 2, 3), "first")
	l.Add(Warningf(span(2, 1, 2), "a warning"))
	l = l.Clean()
	var msgs []string
	for _, d := range l {
		msgs = append(msgs, d.Msg)
	}
	if got := strings.Join(msgs, "|"); got != "first|a warning|third" {
		t.Errorf("Clean kept %q", got)
	}
	if got := l.Error(); got != "script.sd:1:2: error: first (and 2 more errors)" {
		t.Errorf("Error() = %q", got)
	}
	if !l.HasErrors() || l.Err() == nil || (List{Warningf(span(1, 1, 1), "w")}).Err() != nil {
		t.Error("HasErrors/Err wrong")
	}
	var b bytes.Buffer
	l.Render(&b, nil)
	if strings.Count(b.String(), "\n") != 3 {
		t.Errorf("Render without sources: %q", b.String())
	}
}

// A line that is not text is echoed as a short excerpt with its bytes
// escaped, the caret under the escaped byte.
func TestRenderBinary(t *testing.T) {
	for _, c := range []struct {
		src       string
		col       int
		want      string
		wantCaret string
	}{
		{"BEGIN { \x01 }", 9, `BEGIN { \x01 }`, "        ^~~~"},
		{"\x7fELF\x02\x01\x01\x00\x00\x00" + strings.Repeat("\x00\xff\x1b[2J", 400), 8,
			`\x7fELF\x02\x01\x01\x00\x00\x00\x00\xff\x1b[2J\x00\xff\x1b[2J\x00\xff`,
			"                   ^~~~"},
		{"é ok\xff", 6, `\xc3\xa9 ok\xff`, "           ^~~~"},
	} {
		got := strings.Split(Render(Errorf(span(1, c.col, c.col+1), "bad"), []byte(c.src)), "\n")
		if len(got) < 3 || got[1] != "  1 | "+c.want || got[2] != "    | "+c.wantCaret {
			t.Errorf("%.20q...:\n%s", c.src, strings.Join(got, "\n"))
		}
	}
}
