package diag

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Source looks up the text of a file by name; nil when unknown. The
// renderer then prints only the first line of each diagnostic.
type Source func(file string) []byte

// Sources returns a Source backed by a map from file name to text.
func Sources(m map[string][]byte) Source {
	return func(file string) []byte { return m[file] }
}

// maxShown bounds how much of a source line is echoed: a 10 MB line must
// not be printed in full to point at one column.
const maxShown = 120

// maxEscaped bounds the excerpt of a line that is not text, in bytes of
// the input; each can print as four (\xNN).
const maxEscaped = 24

// Render writes every diagnostic of l in the long form:
//
//	script.sd:3:17: error: struct task_struct has no field "pidd"
//	  3 |   @[curtask->pidd] = count();
//	    |              ^~~~
//	  = hint: did you mean "pid"?
func (l List) Render(w io.Writer, src Source) {
	for _, d := range l {
		var text []byte
		if src != nil {
			text = src(d.Span.Start.File)
		}
		io.WriteString(w, Render(d, text))
	}
}

// Render formats one diagnostic against the text of its file (which may
// be nil).
func Render(d *Diagnostic, src []byte) string {
	var b strings.Builder
	b.WriteString(d.Error())
	b.WriteByte('\n')
	start, end := d.Span.Start, d.Span.End
	line, ok := sourceLine(src, start.Line)
	if ok && start.Col >= 1 && start.Col <= len(line)+1 {
		num := fmt.Sprint(start.Line)
		pad := strings.Repeat(" ", len(num))
		// The underline runs to the span's end, or to the end of the line
		// when the span continues on later lines.
		from, to := start.Col-1, start.Col
		if end.Line == start.Line && end.Col > start.Col {
			to = end.Col - 1
		} else if end.Line > start.Line {
			to = len(line)
		}
		to = min(max(to, from+1), len(line)+1)
		shown, off := window(line, from)
		from -= off
		to = min(to-off, len(shown)+1)
		if !printable(shown) {
			// Binary input: a short excerpt with the bytes escaped, so
			// the terminal gets neither raw control bytes nor a screenful.
			shown, from, to = escape(line, from+off, to+off)
		}
		fmt.Fprintf(&b, "  %s | %s\n", num, shown)
		fmt.Fprintf(&b, "  %s | %s%s\n", pad, indent(shown, from), "^"+strings.Repeat("~", max(0, to-from-1)))
	}
	for _, h := range d.Hints {
		fmt.Fprintf(&b, "  = hint: %s\n", h)
	}
	return b.String()
}

// sourceLine returns the 1-based line n of src without its newline.
func sourceLine(src []byte, n int) (string, bool) {
	if src == nil || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimSuffix(string(src), "\r"), true
}

// window cuts a long line down to maxShown bytes around column col and
// returns the cut text and the offset it starts at.
func window(line string, col int) (string, int) {
	if len(line) <= maxShown {
		return line, 0
	}
	off := max(0, min(col-maxShown/2, len(line)-maxShown))
	return line[off:min(len(line), off+maxShown)], off
}

// indent returns the run of blanks that puts a caret under byte n of
// line, keeping tabs so the caret lines up in a terminal.
func indent(line string, n int) string {
	var b strings.Builder
	for i := 0; i < n && i < len(line); i++ {
		if line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	for i := len(line); i < n; i++ {
		b.WriteByte(' ')
	}
	return b.String()
}

// printable reports whether line can be echoed as it is: valid UTF-8
// without control characters other than tab.
func printable(line string) bool {
	for _, r := range line {
		if r == utf8.RuneError || (r < ' ' && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

// escape cuts maxEscaped bytes of line around [from, to) and writes every
// byte that is not printable ASCII as \xNN, returning the excerpt and the
// span's columns in it.
func escape(line string, from, to int) (string, int, int) {
	lo := max(0, min(from-maxEscaped/2, len(line)-maxEscaped))
	hi := min(len(line), lo+maxEscaped)
	var b strings.Builder
	efrom, eto := -1, -1
	for i := lo; i < hi; i++ {
		if i == from {
			efrom = b.Len()
		}
		if i == to {
			eto = b.Len()
		}
		if c := line[i]; c >= ' ' && c < 0x7f {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	if efrom < 0 {
		efrom = b.Len()
	}
	if eto < 0 || eto <= efrom {
		eto = b.Len() + 1
		if efrom < b.Len() {
			// Underline the one (escaped) byte at from.
			eto = efrom + 1
			if line[from] < ' ' || line[from] >= 0x7f {
				eto = efrom + 4
			}
		}
	}
	return b.String(), efrom, eto
}
