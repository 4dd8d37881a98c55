package output

import (
	"io"
	"strconv"
	"strings"
)

// Text is bpftrace's default text output: program output on out, banners
// and diagnostics on errOut.
type Text struct {
	out, errOut io.Writer
	env         *Env
	buf         []byte
	err         error
}

// NewText returns a text Output. env resolves symbols, stacks and times
// (nil: print raw numbers).
func NewText(out, errOut io.Writer, env *Env) *Text {
	return &Text{out: out, errOut: errOut, env: envOr(env)}
}

func (t *Text) write(w io.Writer, b []byte) {
	if _, err := w.Write(b); err != nil && t.err == nil {
		t.err = err
	}
}

func (t *Text) writeString(w io.Writer, s string) {
	t.buf = append(t.buf[:0], s...)
	t.write(w, t.buf)
}

func (t *Text) AttachedProbes(n int) {
	b := strconv.AppendInt(append(t.buf[:0], "Attached "...), int64(n), 10)
	if n == 1 {
		b = append(b, " probe\n"...)
	} else {
		b = append(b, " probes\n"...)
	}
	t.buf = b
	t.write(t.errOut, b)
}

func (t *Text) Printf(s string) { t.writeString(t.out, s) }

// PrintfBytes is Printf of formatted bytes, which it does not keep.
func (t *Text) PrintfBytes(b []byte) { t.write(t.out, b) }

// Flush flushes the program output when its writer buffers it.
func (t *Text) Flush() { t.flush(t.out) }

func (t *Text) flush(w io.Writer) {
	if f, ok := w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil && t.err == nil {
			t.err = err
		}
	}
}
func (t *Text) Time(s string)   { t.writeString(t.out, s) }
func (t *Text) Cat(s string)    { t.writeString(t.out, s) }
func (t *Text) Join(s string)   { t.writeString(t.out, s+"\n") }
func (t *Text) System(s string) { t.writeString(t.out, s) }

func (t *Text) Value(v Value) {
	t.buf = append(AppendText(t.buf[:0], v, t.env), '\n')
	t.write(t.out, t.buf)
}

func (t *Text) Map(m *MapData, top, div int) {
	t.buf = appendMapText(t.buf[:0], m, top, div, t.env, func(b []byte) { t.write(t.out, b) })
	if len(t.buf) > 0 {
		t.write(t.out, t.buf)
	}
}

func (t *Text) Errorf(msg string, loc SourceLoc) { t.diag("ERROR", msg, loc) }
func (t *Text) Warnf(msg string, loc SourceLoc)  { t.diag("WARNING", msg, loc) }

// diag prints "file:line:col-end: LEVEL: msg" as bpftrace's logger does,
// dropping one trailing newline from msg.
func (t *Text) diag(level, msg string, loc SourceLoc) {
	msg = strings.TrimSuffix(msg, "\n")
	b := append(loc.appendText(t.buf[:0]), ": "...)
	b = append(b, level...)
	b = append(b, ": "...)
	b = append(b, msg...)
	t.buf = append(b, '\n')
	t.write(t.errOut, t.buf)
}

func (t *Text) LostEvents(n uint64) {
	b := strconv.AppendUint(append(t.buf[:0], "Lost "...), n, 10)
	t.buf = append(b, " events\n"...)
	t.write(t.errOut, t.buf)
}

func (t *Text) End()       { t.writeString(t.out, "\n\n") }
func (t *Text) Err() error { return t.err }
