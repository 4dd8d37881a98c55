package lang

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sonde/internal/chunkfile"
	"sonde/lang/diag"
)

// TestErrors runs the chunked files in testdata/errors. Cases are
// separated by lines holding only `---`; a line that must carry an error
// ends with `### regexp`, the regexp matching the message. Every error
// must be expected and every expectation met, on its line; `### @COL
// regexp` also pins the column.
func TestErrors(t *testing.T) {
	for _, chunks := range chunkfile.Files(t, "testdata/errors/*.txt") {
		for _, c := range chunks {
			checkErrorChunk(t, c.File, c.Line, c.Text)
		}
	}
}

var (
	expectRE = regexp.MustCompile(`\s*### (.*)$`)
	colRE    = regexp.MustCompile(`^@(\d+) `)
)

func checkErrorChunk(t *testing.T, file string, firstLine int, chunk string) {
	t.Helper()
	lines := strings.Split(chunk, "\n")
	want := map[int]*regexp.Regexp{}
	wantCol := map[int]string{}
	for i, l := range lines {
		if m := expectRE.FindStringSubmatchIndex(l); m != nil {
			re := l[m[2]:m[3]]
			if c := colRE.FindStringSubmatch(re); c != nil {
				wantCol[i+1] = c[1]
				re = re[len(c[0]):]
			}
			want[i+1] = regexp.MustCompile(re)
			lines[i] = l[:m[0]]
		}
	}
	src := strings.Join(lines, "\n")
	_, err := Parse("test.sd", []byte(src))
	var list diag.List
	if err != nil && !errors.As(err, &list) {
		t.Errorf("%s:%d: error is %T, not a diag.List", file, firstLine, err)
		return
	}
	for _, d := range list {
		if !d.Span.Start.IsValid() {
			t.Errorf("%s:%d: error without a position: %s", file, firstLine, d.Msg)
			continue
		}
		re, ok := want[d.Span.Start.Line]
		switch {
		case !ok:
			t.Errorf("%s:%d: unexpected error: %s", file, firstLine+d.Span.Start.Line-1, d.Msg)
		case !re.MatchString(d.Msg):
			t.Errorf("%s:%d: error %q does not match %q", file, firstLine+d.Span.Start.Line-1, d.Msg, re)
		case wantCol[d.Span.Start.Line] != "" && wantCol[d.Span.Start.Line] != strconv.Itoa(d.Span.Start.Col):
			t.Errorf("%s:%d: error %q at column %d, want %s", file, firstLine+d.Span.Start.Line-1, d.Msg, d.Span.Start.Col, wantCol[d.Span.Start.Line])
		}
		delete(want, d.Span.Start.Line)
	}
	for l, re := range want {
		t.Errorf("%s:%d: no error; want one matching %q", file, firstLine+l-1, re)
	}
}
