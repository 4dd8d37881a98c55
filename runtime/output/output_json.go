package output

import (
	"io"
	"strconv"
)

// JSON is bpftrace's -f json output: one JSON object per line, all on out.
type JSON struct {
	out io.Writer
	env *Env
	buf []byte
	err error
}

// NewJSON returns an NDJSON Output.
func NewJSON(out io.Writer, env *Env) *JSON {
	return &JSON{out: out, env: envOr(env)}
}

func (j *JSON) flush() {
	if _, err := j.out.Write(j.buf); err != nil && j.err == nil {
		j.err = err
	}
}

// data writes {"type": "typ", "data": <s as a JSON string>}.
func (j *JSON) data(typ, s string) { writeData(j, typ, s) }

func writeData[S string | []byte](j *JSON, typ string, s S) {
	b := append(j.buf[:0], `{"type": "`...)
	b = append(b, typ...)
	b = append(b, `", "data": `...)
	b = appendJSONString(b, s)
	j.buf = append(b, "}\n"...)
	j.flush()
}

// counted writes the records that carry both a count and a data object.
func (j *JSON) counted(typ, field string, n uint64) {
	b := append(j.buf[:0], `{"type": "`...)
	b = append(b, typ...)
	b = append(b, `", "count": `...)
	b = strconv.AppendUint(b, n, 10)
	b = append(b, `, "data": {"`...)
	b = append(b, field...)
	b = append(b, `": `...)
	b = strconv.AppendUint(b, n, 10)
	j.buf = append(b, "}}\n"...)
	j.flush()
}

func (j *JSON) AttachedProbes(n int) { j.counted("attached_probes", "probes", uint64(n)) }
func (j *JSON) LostEvents(n uint64)  { j.counted("lost_events", "events", n) }

func (j *JSON) Printf(s string) { j.data("printf", s) }

// PrintfBytes is Printf of formatted bytes, which it does not keep.
func (j *JSON) PrintfBytes(b []byte) { writeData(j, "printf", b) }

// Flush flushes the output when its writer buffers it.
func (j *JSON) Flush() {
	if f, ok := j.out.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil && j.err == nil {
			j.err = err
		}
	}
}
func (j *JSON) Time(s string)   { j.data("time", s) }
func (j *JSON) Cat(s string)    { j.data("cat", s) }
func (j *JSON) Join(s string)   { j.data("join", s) }
func (j *JSON) System(s string) { j.data("syscall", s) }

func (j *JSON) Value(v Value) {
	b := append(j.buf[:0], `{"type": "value", "data": `...)
	b = AppendJSON(b, v, j.env)
	j.buf = append(b, "}\n"...)
	j.flush()
}

func (j *JSON) Map(m *MapData, top, div int) {
	j.buf = appendMapJSON(j.buf[:0], m, top, div, j.env, func(b []byte) {
		if _, err := j.out.Write(b); err != nil && j.err == nil {
			j.err = err
		}
	})
	if len(j.buf) > 0 {
		j.flush()
	}
}

func (j *JSON) Errorf(msg string, loc SourceLoc) { j.diag("errorf", msg, loc) }
func (j *JSON) Warnf(msg string, loc SourceLoc)  { j.diag("warnf", msg, loc) }

func (j *JSON) diag(typ, msg string, loc SourceLoc) {
	b := append(j.buf[:0], `{"type": "`...)
	b = append(b, typ...)
	b = append(b, `", "msg": `...)
	b = appendJSONString(b, msg)
	b = append(b, `, "filename": `...)
	b = appendJSONString(b, loc.File)
	b = append(b, `, "line": `...)
	b = strconv.AppendInt(b, int64(loc.Line), 10)
	b = append(b, `, "col": `...)
	b = strconv.AppendInt(b, int64(loc.Col), 10)
	j.buf = append(b, "}\n"...)
	j.flush()
}

func (j *JSON) End()       {}
func (j *JSON) Err() error { return j.err }
