package lang

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sonde/lang/ast"
	"sonde/lang/diag"
)

// FuzzParse checks that no input panics or hangs the parser, that every
// error carries a position, and that what parses also prints and parses
// again.
func FuzzParse(f *testing.F) {
	for _, file := range scripts(f) {
		src, _ := os.ReadFile(file)
		f.Add(string(src))
	}
	errFiles, _ := filepath.Glob("testdata/errors/*.txt")
	for _, file := range errFiles {
		data, _ := os.ReadFile(file)
		for _, chunk := range strings.Split(string(data), "\n---\n") {
			f.Add(expectRE.ReplaceAllString(chunk, ""))
		}
	}
	for _, tc := range precedenceTests {
		f.Add("BEGIN { $x = " + tc.src + "; }")
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse("fuzz.sd", []byte(src))
		if err != nil {
			var list diag.List
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty diag.List: %v", err)
			}
			for _, d := range list {
				if !d.Span.Start.IsValid() || d.Span.Start.File != "fuzz.sd" {
					t.Fatalf("error without a position: %v", d)
				}
				if strings.Contains(d.Error(), "\n") {
					t.Fatalf("error of more than one line: %q", d.Error())
				}
				// What reaches the terminal is text: no raw bytes of the
				// input other than tabs (the message quotes them escaped).
				for _, c := range []byte(diag.Render(d, []byte(src))) {
					if (c < ' ' && c != '\n' && c != '\t') || c == 0x7f {
						t.Fatalf("raw byte %#x in the rendered error:\n%q", c, diag.Render(d, []byte(src)))
					}
				}
			}
			return
		}
		text := ast.Format(p)
		if _, err := Parse("again.sd", []byte(text)); err != nil {
			t.Fatalf("formatted program does not parse: %v\nsource:\n%s\nformatted:\n%s", err, src, text)
		}
	})
}
