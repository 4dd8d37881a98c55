package lang

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"sonde/lang/diag"
)

// Hostile or broken input gets one clear error, quickly, never a panic.
func TestHostileInput(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty", "", "no probes"},
		{"blank", " \n\t\n", "no probes"},
		{"nul", "BEGIN { }\x00", "not text: it contains a NUL byte"},
		{"utf8", "BEGIN { printf(\"\xff\"); }", "not text: invalid UTF-8"},
		{"long line", "BEGIN { $x = \"" + strings.Repeat("a", 10<<20) + "\"; }", "line is too long"},
		{"deep parens", "BEGIN { $x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + "; }", "nesting is too deep"},
		{"deep blocks", "BEGIN " + strings.Repeat("{ if 1 ", 5000) + strings.Repeat("}", 5000) + "}", "nesting is too deep"},
		{"unary run", "BEGIN { $x = " + strings.Repeat("-", 100000) + "1; }", "too many operators in a row"},
		{"ternary chain", "BEGIN { $x = " + strings.Repeat("1 ? 2 : ", 5000) + "3; }", "too many `?:`"},
		{"else chain", "BEGIN { if 1 { }" + strings.Repeat(" else if 1 { }", 5000) + " }", "too many `else`"},
		{"typeof chain", "BEGIN { $x = " + strings.Repeat("(typeof(", 3000) + "1" + strings.Repeat("))", 3000) + "; }", "nesting is too deep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse("h.sd", []byte(tc.src))
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			var list diag.List
			if !errors.As(err, &list) || !strings.Contains(list[0].Msg, tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if !list[0].Span.Start.IsValid() {
				t.Errorf("error without a position")
			}
		})
	}
}

// A valid 10 MB line parses too, in time linear in its length.
func TestLongValidLine(t *testing.T) {
	src := "BEGIN { $x = 1" + strings.Repeat(" + 1", 200000) + "; }"
	if _, err := Parse("l.sd", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

// Spans point into the original text, even after preprocessing.
func TestSpansAfterPreprocessing(t *testing.T) {
	src := "#define LIMIT 10\n#ifdef BPFTRACE_HAVE_BTF\n#include <x.h>\n#endif\nBEGIN { $x = LIMIT + nosuch; }\n"
	p, err := Parse("s.sd", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	dump := spansOf(p)
	for _, want := range []string{"IntLit 5:14", "Ident 5:22-5:28", "Probe 5:1-5:31"} {
		if !strings.Contains(dump, want) {
			t.Errorf("missing %q in\n%s", want, dump)
		}
	}
}

func TestErrorRendering(t *testing.T) {
	src := []byte("BEGIN {\n\tkprobez:x;\n}\nkprobez:vfs_read { }\n")
	_, err := Parse("r.sd", src)
	var list diag.List
	if !errors.As(err, &list) {
		t.Fatal(err)
	}
	var b bytes.Buffer
	list.Render(&b, diag.Sources(map[string][]byte{"r.sd": src}))
	want := "r.sd:4:1: error: unknown probe type `kprobez`; did you mean `kprobe`?\n" +
		"  4 | kprobez:vfs_read { }\n" +
		"    | ^~~~~~~\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("rendered\n%s\nwant it to contain\n%s", b.String(), want)
	}
}
