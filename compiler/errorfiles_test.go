package compiler_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sonde/compiler"
	"sonde/internal/chunkfile"
	"sonde/lang"
	"sonde/lang/diag"
)

// TestErrorFiles runs the chunked files in testdata/errors: wrong scripts
// and the exact diagnostics sonde gives for them, parsed and checked
// against fake kernel facts, so no root is needed. Chunks are separated by
// lines holding only `---`. A line where a diagnostic must be reported ends
// with `### COL: message`, the message exactly as sonde prints it after
// "error: " (warnings are written "warning: message"); `### hint: text`
// after it requires that hint too. A line may carry several. Every
// diagnostic must be expected, at its line and column, and every
// expectation met. `go test -run TestErrorFiles -update` rewrites the
// annotations from what sonde reports, hints included: review the diff.
func TestErrorFiles(t *testing.T) {
	for _, chunks := range chunkfile.Files(t, "testdata/errors/*.txt") {
		texts := make([]string, len(chunks))
		for i, c := range chunks {
			texts[i] = checkErrorFileChunk(t, c)
		}
		if *update {
			if err := os.WriteFile(chunks[0].File, []byte(chunkfile.Join(texts)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// expectation is one diagnostic a chunk must produce.
type expectation struct {
	line, col int
	msg       string
	hints     []string
}

func (e expectation) String() string {
	return fmt.Sprintf("%d:%d: %s", e.line, e.col, e.msg)
}

// parseChunk splits a chunk into its script and its expectations.
func parseChunk(chunk string) (string, []expectation, error) {
	lines := strings.Split(chunk, "\n")
	var want []expectation
	for i, l := range lines {
		at := strings.Index(l, "###")
		if at < 0 {
			continue
		}
		lines[i] = strings.TrimRight(l[:at], " \t")
		for _, a := range strings.Split(l[at+3:], "###") {
			a = strings.TrimSpace(a)
			if h, ok := strings.CutPrefix(a, "hint: "); ok {
				if len(want) == 0 || want[len(want)-1].line != i+1 {
					return "", nil, fmt.Errorf("line %d: a hint needs a message before it on its line", i+1)
				}
				want[len(want)-1].hints = append(want[len(want)-1].hints, h)
				continue
			}
			col, msg, ok := strings.Cut(a, ": ")
			n, err := strconv.Atoi(col)
			if !ok || err != nil || n < 1 {
				return "", nil, fmt.Errorf("line %d: %q is not `### COL: message`", i+1, a)
			}
			want = append(want, expectation{line: i + 1, col: n, msg: msg})
		}
	}
	return strings.Join(lines, "\n"), want, nil
}

// diagnose parses and compiles src as the error files' scripts are: against
// the fake kernel of this package's tests, without --unsafe.
func diagnose(src string) ([]expectation, error) {
	prog, err := lang.Parse("test.sd", []byte(src))
	if err == nil {
		_, err = compiler.Compile(prog, compiler.Options{
			Facts: fakeFacts{}, KernelTypes: fakeKernel{}, KernelFuncs: fakeFuncs{},
			Symbols: fakeSymbols{}, UserSymbols: fakeSymbols{}, Env: func(string) string { return "" },
		})
	}
	if err == nil {
		return nil, nil
	}
	var list diag.List
	if !errors.As(err, &list) {
		return nil, fmt.Errorf("error %T is not a list of diagnostics: %v", err, err)
	}
	var got []expectation
	for _, d := range list {
		msg := d.Msg
		if d.Severity != diag.Error {
			msg = d.Severity.String() + ": " + msg
		}
		got = append(got, expectation{line: d.Span.Start.Line, col: d.Span.Start.Col, msg: msg, hints: d.Hints})
	}
	return got, nil
}

// checkErrorFileChunk checks one chunk and returns it annotated with what
// sonde reported, for -update.
func checkErrorFileChunk(t *testing.T, c chunkfile.Chunk) string {
	t.Helper()
	src, want, err := parseChunk(c.Text)
	if err != nil {
		t.Errorf("%s: %v", c.At(1), err)
		return c.Text
	}
	got, err := diagnose(src)
	if err != nil {
		t.Errorf("%s: %v", c.At(1), err)
		return c.Text
	}
	if len(want) == 0 {
		t.Errorf("%s: the chunk expects no diagnostic; every chunk is a wrong script", c.At(1))
	}
	matched := make([]bool, len(want))
	for _, g := range got {
		i := findExpectation(want, matched, g)
		if i < 0 {
			t.Errorf("%s: unexpected diagnostic %s", c.At(g.line), g)
			continue
		}
		matched[i] = true
		for _, h := range want[i].hints {
			if !slices.Contains(g.hints, h) {
				t.Errorf("%s: %s has no hint %q (hints: %q)", c.At(g.line), g, h, g.hints)
			}
		}
	}
	for i, w := range want {
		if !matched[i] {
			t.Errorf("%s: no diagnostic %s", c.At(w.line), w)
		}
	}
	return annotate(src, got)
}

// findExpectation returns the unmatched expectation g meets, or -1.
func findExpectation(want []expectation, matched []bool, g expectation) int {
	for i, w := range want {
		if !matched[i] && w.line == g.line && w.col == g.col && w.msg == g.msg {
			return i
		}
	}
	return -1
}

// annotate writes diagnostics onto the lines of src where they are reported.
func annotate(src string, got []expectation) string {
	lines := strings.Split(src, "\n")
	for _, g := range got {
		if g.line < 1 || g.line > len(lines) {
			continue
		}
		l := &lines[g.line-1]
		*l += fmt.Sprintf(" ### %d: %s", g.col, g.msg)
		for _, h := range g.hints {
			*l += " ### hint: " + h
		}
	}
	return strings.Join(lines, "\n")
}
