// Package text is bpftrace's default output format: program output as
// written, maps as "@m[k]: v" lines and histogram art, and banners and
// diagnostics on a second writer (stderr).
package text

import (
	"bytes"
	"io"
	"slices"
	"strconv"

	"sonde/runtime/mapdata"
	"sonde/runtime/output"
)

// Output writes text: program output on out, banners and diagnostics on
// errOut.
type Output struct {
	out, errOut io.Writer
	env         *output.Env
	buf         []byte
	ent         mapdata.Entry // Map's current entry, kept here so it does not escape per call
	err         error
}

// New returns a text output. env resolves symbols, stacks and times (nil:
// print raw numbers).
func New(out, errOut io.Writer, env *output.Env) *Output {
	if env == nil {
		env = output.DefaultEnv()
	}
	return &Output{out: out, errOut: errOut, env: env}
}

func (t *Output) write(w io.Writer, b []byte) {
	if _, err := w.Write(b); err != nil && t.err == nil {
		t.err = err
	}
}

// Event prints messages on out as they are (join() adds a newline),
// values as text, and banners and diagnostics on errOut.
func (t *Output) Event(e output.Event) {
	switch e.Kind {
	case output.KindJoin:
		t.buf = append(append(t.buf[:0], e.Text...), '\n')
		t.write(t.out, t.buf)
	case output.KindValue:
		t.buf = append(output.AppendText(t.buf[:0], e.Value, t.env), '\n')
		t.write(t.out, t.buf)
	case output.KindErrorf:
		t.diag("ERROR", e.Text, e.Loc)
	case output.KindWarnf:
		t.diag("WARNING", e.Text, e.Loc)
	case output.KindAttached:
		b := strconv.AppendUint(append(t.buf[:0], "Attached "...), e.N, 10)
		if e.N == 1 {
			b = append(b, " probe\n"...)
		} else {
			b = append(b, " probes\n"...)
		}
		t.buf = b
		t.write(t.errOut, b)
	case output.KindLost:
		b := strconv.AppendUint(append(t.buf[:0], "Lost "...), e.N, 10)
		t.buf = append(b, " events\n"...)
		t.write(t.errOut, t.buf)
	case output.KindEnd:
		t.write(t.out, append(t.buf[:0], "\n\n"...))
	default:
		// printf, time, cat, system and any other message, as written.
		t.write(t.out, e.Text)
	}
}

// diag prints "file:line:col-end: LEVEL: msg" as bpftrace's logger does,
// dropping one trailing newline from msg.
func (t *Output) diag(level string, msg []byte, loc output.SourceLoc) {
	b := append(loc.AppendText(t.buf[:0]), ": "...)
	b = append(b, level...)
	b = append(b, ": "...)
	b = append(b, bytes.TrimSuffix(msg, []byte("\n"))...)
	t.buf = append(b, '\n')
	t.write(t.errOut, t.buf)
}

// Flush flushes the program output when its writer buffers it.
func (t *Output) Flush() error {
	if f, ok := t.out.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil && t.err == nil {
			t.err = err
		}
	}
	return t.err
}

// Map prints "@m: v" for a keyless map, "@m[k]: v" per key, and "@m[k]:"
// followed by the rows and a blank line for block values (histograms),
// streaming a long map to out.
func (t *Output) Map(m *mapdata.Map, top, div int) {
	dst := t.buf[:0]
	d := output.Divisor(div)
	name := m.Info.Name
	keyed := m.Keyed()
	block := m.Agg != nil && m.Agg.Block
	from, to := m.Visible(top)
	dst = slices.Grow(dst, min(to-from, 1024)*(len(name)+24))
	e := &t.ent
	for i := from; i < to; i++ {
		if len(dst) > output.FlushAt {
			t.write(t.out, dst)
			dst = dst[:0]
		}
		m.Entry(i, e)
		dst = append(dst, name...)
		if keyed {
			dst = append(dst, '[')
			dst = output.AppendKeyText(dst, m.Info.Key, e.Key, t.env)
			dst = append(dst, ']')
		}
		if block {
			dst = append(dst, ":\n"...)
			dst = output.AppendEntryValue(dst, m, e, d, t.env, false)
			dst = append(dst, '\n')
			continue
		}
		dst = append(dst, ": "...)
		dst = output.AppendEntryValue(dst, m, e, d, t.env, false)
		dst = append(dst, '\n')
	}
	*e = mapdata.Entry{}
	if len(dst) > 0 {
		t.write(t.out, dst)
	}
	t.buf = dst
}
