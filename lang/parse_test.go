package lang

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sonde/lang/ast"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the parser's output")

// TestGolden parses testdata/*.sd and compares the AST dump with the
// .golden file next to it. Review changes with git diff after -update.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.sd")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(filepath.Base(file), src)
			if err != nil {
				t.Fatalf("%v", err)
			}
			got := ast.Dump(p) + "\n"
			golden := strings.TrimSuffix(file, ".sd") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("AST of %s differs from %s:\n%s", file, golden, got)
			}
		})
	}
}

// TestRoundTrip prints every test script back as source and parses it
// again: the trees must be equal, spans aside.
func TestRoundTrip(t *testing.T) {
	for _, file := range scripts(t) {
		src, _ := os.ReadFile(file)
		p, err := Parse(file, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		text := ast.Format(p)
		q, err := Parse(file+".formatted", []byte(text))
		if err != nil {
			t.Errorf("%s: formatted text does not parse: %v\n%s", file, err, text)
			continue
		}
		stripSpans(p)
		stripSpans(q)
		if !reflect.DeepEqual(p, q) {
			t.Errorf("%s: round trip changed the tree\nbefore:\n%s\nafter:\n%s\ntext:\n%s", file, ast.Dump(p), ast.Dump(q), text)
		}
	}
}

// TestAcceptance parses the scripts written for reference section 7.
func TestAcceptance(t *testing.T) {
	files, _ := filepath.Glob("testdata/acceptance/*.sd")
	if len(files) < 30 {
		t.Fatalf("found %d acceptance scripts, want at least 30", len(files))
	}
	for _, file := range files {
		src, _ := os.ReadFile(file)
		if _, err := Parse(filepath.Base(file), src); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// scripts lists every valid script in testdata.
func scripts(t testing.TB) []string {
	a, _ := filepath.Glob("testdata/*.sd")
	b, _ := filepath.Glob("testdata/acceptance/*.sd")
	if len(a)+len(b) == 0 {
		t.Fatal("no test scripts")
	}
	return append(a, b...)
}
