// Package diag holds sonde's diagnostics: positioned errors and warnings
// with hints, lists of them that sort and de-duplicate, and the renderer
// that shows the offending source line with a caret under the span.
//
// Every pass (parsing, type checking, lowering) reports through this
// package, so users see one format whatever stage found the problem.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"sonde/lang/ast"
)

// Severity says how bad a diagnostic is.
type Severity int

const (
	Error Severity = iota
	Warning
	Note
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Note:
		return "note"
	}
	return "error"
}

// Diagnostic is one message about a span of source text.
type Diagnostic struct {
	Span     ast.Span
	Severity Severity
	Msg      string
	Hints    []string // extra lines shown as "= hint: ..."
}

// Errorf returns an error diagnostic at span.
func Errorf(span ast.Span, format string, args ...any) *Diagnostic {
	return &Diagnostic{Span: span, Severity: Error, Msg: escapeControls(fmt.Sprintf(format, args...))}
}

// escapeControls escapes the control characters a message may quote from the
// script (`#\a000`), so a diagnostic stays one line and sends no raw bytes
// to the terminal.
func escapeControls(msg string) string {
	if !strings.ContainsFunc(msg, isControl) {
		return msg
	}
	var b strings.Builder
	for _, r := range msg {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }

// Warningf returns a warning diagnostic at span.
func Warningf(span ast.Span, format string, args ...any) *Diagnostic {
	return &Diagnostic{Span: span, Severity: Warning, Msg: escapeControls(fmt.Sprintf(format, args...))}
}

// WithHint appends a hint line and returns d, so calls chain:
// diag.Errorf(sp, "...").WithHint("did you mean %q?", s).
// An empty hint is dropped, which lets callers pass spell.DidYouMean's result
// through unconditionally.
func (d *Diagnostic) WithHint(format string, args ...any) *Diagnostic {
	h := escapeControls(fmt.Sprintf(format, args...))
	if h != "" {
		d.Hints = append(d.Hints, h)
	}
	return d
}

// Error returns the single first line, "file:line:col: error: msg", so
// editors and grep can use it.
func (d *Diagnostic) Error() string {
	return fmt.Sprintf("%s: %s: %s", d.Span.Start, d.Severity, d.Msg)
}

// List is a set of diagnostics. As an error it reads like go/scanner's
// ErrorList: the first message and how many more there are.
type List []*Diagnostic

// Add appends d to the list.
func (l *List) Add(d *Diagnostic) { *l = append(*l, d) }

// Errorf appends an error diagnostic and returns it for WithHint.
func (l *List) Errorf(span ast.Span, format string, args ...any) *Diagnostic {
	d := Errorf(span, format, args...)
	l.Add(d)
	return d
}

func (l List) Len() int      { return len(l) }
func (l List) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l List) Less(i, j int) bool {
	a, b := l[i].Span.Start, l[j].Span.Start
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Col != b.Col {
		return a.Col < b.Col
	}
	return l[i].Msg < l[j].Msg
}

// Sort orders the list by file, line, column and message.
func (l List) Sort() { sort.Stable(l) }

// Clean sorts the list and keeps at most one diagnostic of each severity
// per line: the first, since later ones on the same line are usually
// consequences of it.
func (l List) Clean() List {
	l.Sort()
	out := l[:0]
	for _, d := range l {
		if n := len(out); n > 0 {
			p := out[n-1]
			if p.Severity == d.Severity && p.Span.Start.File == d.Span.Start.File && p.Span.Start.Line == d.Span.Start.Line {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// HasErrors reports whether any diagnostic is an error (not a warning).
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Err returns l as an error, or nil when it holds no errors.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	case 2:
		return l[0].Error() + " (and 1 more error)"
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// String renders every diagnostic's first line, one per line.
func (l List) String() string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.Error())
		b.WriteByte('\n')
	}
	return b.String()
}
