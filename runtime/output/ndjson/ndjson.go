// Package ndjson is bpftrace's -f json output format: one JSON object per
// line, {"type": ..., "data": ...}, everything on one writer.
package ndjson

import (
	"io"
	"strconv"

	"sonde/internal/jsonenc"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
)

// Output writes NDJSON records.
type Output struct {
	out io.Writer
	env *output.Env
	buf []byte
	ent mapdata.Entry // Map's current entry, kept here so it does not escape per call
	err error
}

// New returns an NDJSON output. env resolves symbols, stacks and times
// (nil: print raw numbers).
func New(out io.Writer, env *output.Env) *Output {
	if env == nil {
		env = output.DefaultEnv()
	}
	return &Output{out: out, env: env}
}

func (j *Output) write(b []byte) {
	if _, err := j.out.Write(b); err != nil && j.err == nil {
		j.err = err
	}
}

// Event writes one record per event, named by its kind; a message is
// {"type": kind, "data": "text"}. The end of the run writes nothing.
func (j *Output) Event(e output.Event) {
	b := append(j.buf[:0], `{"type": "`...)
	b = append(b, e.Kind.String()...)
	switch e.Kind {
	case output.KindEnd:
		return
	case output.KindValue:
		b = append(b, `", "data": `...)
		b = output.AppendJSON(b, e.Value, j.env)
	case output.KindErrorf, output.KindWarnf:
		b = append(b, `", "msg": `...)
		b = jsonenc.AppendString(b, e.Text)
		b = append(b, `, "filename": `...)
		b = jsonenc.AppendString(b, e.Loc.File)
		b = append(b, `, "line": `...)
		b = strconv.AppendInt(b, int64(e.Loc.Line), 10)
		b = append(b, `, "col": `...)
		b = strconv.AppendInt(b, int64(e.Loc.Col), 10)
	case output.KindAttached:
		b = counted(b, "probes", e.N)
	case output.KindLost:
		b = counted(b, "events", e.N)
	default:
		b = append(b, `", "data": `...)
		b = jsonenc.AppendString(b, e.Text)
	}
	j.buf = append(b, "}\n"...)
	j.write(j.buf)
}

// counted ends a record that carries both a count and a data object.
func counted(b []byte, field string, n uint64) []byte {
	b = append(b, `", "count": `...)
	b = strconv.AppendUint(b, n, 10)
	b = append(b, `, "data": {"`...)
	b = append(b, field...)
	b = append(b, `": `...)
	b = strconv.AppendUint(b, n, 10)
	return append(b, '}')
}

// Flush flushes the output when its writer buffers it.
func (j *Output) Flush() error {
	if f, ok := j.out.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil && j.err == nil {
			j.err = err
		}
	}
	return j.err
}

// Map writes one record, or nothing for an empty map:
// {"type": "map"|"hist"|"stats", "data": {"@m": ...}}, streaming a long
// map to the writer.
func (j *Output) Map(m *mapdata.Map, top, div int) {
	from, to := m.Visible(top)
	if from == to {
		return
	}
	d := output.Divisor(div)
	typ := "map"
	if m.Agg != nil {
		typ = m.Agg.JSONType
	}
	dst := append(j.buf[:0], `{"type": "`...)
	dst = append(dst, typ...)
	dst = append(dst, `", "data": {`...)
	dst = jsonenc.AppendString(dst, m.Info.Name)
	dst = append(dst, ": "...)
	keyed := m.Keyed()
	if keyed {
		dst = append(dst, '{')
	}
	e := &j.ent
	defer func() { *e = mapdata.Entry{} }()
	for i := from; i < to; i++ {
		if len(dst) > output.FlushAt {
			j.write(dst)
			dst = dst[:0]
		}
		m.Entry(i, e)
		if keyed {
			if i > from {
				dst = append(dst, ", "...)
			}
			dst = output.AppendKeyJSON(dst, m.Info.Key, e.Key, j.env)
			dst = append(dst, ": "...)
		}
		dst = output.AppendEntryValue(dst, m, e, d, j.env, true)
		if !keyed {
			break
		}
	}
	if keyed {
		dst = append(dst, '}')
	}
	j.buf = append(dst, "}}\n"...)
	j.write(j.buf)
}
