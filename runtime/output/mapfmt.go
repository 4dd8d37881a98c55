package output

import (
	"sonde/plan"

	"slices"
	"strconv"

	"sonde/types"
)

// visible returns the range of entries print(@m, top) shows: the last top
// of them.
func (m *MapData) visible(top int) (from, to int) {
	to = m.Len()
	if top > 0 && to > top {
		from = to - top
	}
	return from, to
}

// flushAt is the buffered size past which a long map is handed to the
// writer, so printing a large map needs no buffer of its size.
const flushAt = 32 << 10

func (m *MapData) isHist() bool {
	return m.Info.Agg == plan.AggHist || m.Info.Agg == plan.AggLhist
}

// hist builds e's histogram; div applies to hist counts, not lhist.
func (m *MapData) hist(e *Entry, div uint64) histogram {
	info := m.Info
	if info.Agg == plan.AggHist {
		return buildHist(e.Buckets, info.HistBits, div)
	}
	return buildLhist(e.Buckets, info.LhistMin, info.LhistMax, info.LhistStep)
}

// appendMapText renders a map as bpftrace's text output: "@m: v" for a
// keyless map, "@m[k]: v" per key, and "@m[k]:" followed by the rows and a
// blank line for histograms. When flush is not nil, it receives the text
// whenever more than flushAt bytes are pending, and dst restarts empty.
func appendMapText(dst []byte, m *MapData, top, div int, env *Env, flush func([]byte)) []byte {
	d := divisor(div)
	name := m.Info.Name
	keyed := m.Info.Key != nil && !m.Info.Array
	from, to := m.visible(top)
	dst = slices.Grow(dst, min(to-from, 1024)*(len(name)+24))
	var ent Entry
	e := &ent
	for i := from; i < to; i++ {
		if flush != nil && len(dst) > flushAt {
			flush(dst)
			dst = dst[:0]
		}
		m.entry(i, e)
		dst = append(dst, name...)
		if keyed {
			dst = append(dst, '[')
			dst = appendKeyText(dst, m.Info.Key, e.Key, env)
			dst = append(dst, ']')
		}
		if m.isHist() {
			dst = append(dst, ":\n"...)
			h := m.hist(e, d)
			dst = h.appendText(dst)
			dst = append(dst, '\n')
			continue
		}
		dst = append(dst, ": "...)
		dst = appendEntryValue(dst, m.Info, e, d, env, false)
		dst = append(dst, '\n')
	}
	return dst
}

// appendKeyText renders a key; tuples lose their outer parentheses.
func appendKeyText(dst []byte, t *types.Type, key []byte, env *Env) []byte {
	switch t.Kind {
	case types.Int: // the common case, without allocating
		return appendInt(dst, Int{Bits: readInt(key, t.Size, t.Signed), Signed: t.Signed})
	case types.Tuple:
		return appendTupleKey(dst, Decode(t, key), ", ", env)
	}
	return AppendText(dst, Decode(t, key), env)
}

func appendTupleKey(dst []byte, v Value, sep string, env *Env) []byte {
	tup, ok := v.(Tuple)
	if !ok {
		return AppendText(dst, v, env)
	}
	for i, e := range tup {
		if i > 0 {
			dst = append(dst, sep...)
		}
		dst = AppendText(dst, e, env)
	}
	return dst
}

// appendKeyJSON renders a key as a JSON object key: its text, tuple
// elements joined by "," as bpftrace does.
func appendKeyJSON(dst []byte, t *types.Type, key []byte, env *Env) []byte {
	switch t.Kind {
	case types.Int: // digits need no escaping
		dst = append(dst, '"')
		dst = appendKeyText(dst, t, key, env)
		return append(dst, '"')
	case types.Tuple:
		return appendJSONString(dst, string(appendTupleKey(nil, Decode(t, key), ",", env)))
	}
	return appendJSONString(dst, string(AppendText(nil, Decode(t, key), env)))
}

// appendEntryValue renders a non-histogram value as text or JSON.
func appendEntryValue(dst []byte, info *plan.MapInfo, e *Entry, div uint64, env *Env, js bool) []byte {
	switch info.Agg {
	case plan.AggCount:
		return appendNum(dst, e.Num/div, false, js)
	case plan.AggSum, plan.AggMin, plan.AggMax:
		return appendNum(dst, divide(e.Num, div, info.Signed), info.Signed, js)
	case plan.AggAvg:
		return appendNum(dst, divide(average(e, info.Signed), div, info.Signed), info.Signed, js)
	case plan.AggStats:
		avg := divide(average(e, info.Signed), div, info.Signed)
		if js {
			dst = append(dst, `{"count": `...)
			dst = appendJSONInt(dst, e.Count, false)
			dst = append(dst, `, "average": `...)
			dst = appendJSONInt(dst, avg, info.Signed)
			dst = append(dst, `, "total": `...)
			dst = appendJSONInt(dst, e.Total, info.Signed)
			return append(dst, '}')
		}
		dst = append(dst, "{ .count = "...)
		dst = strconv.AppendUint(dst, e.Count, 10)
		dst = append(dst, ", .average = "...)
		dst = appendInt(dst, Int{Bits: avg, Signed: info.Signed})
		dst = append(dst, ", .total = "...)
		dst = appendInt(dst, Int{Bits: e.Total, Signed: info.Signed})
		return append(dst, " }"...)
	}
	v := Decode(info.Value, e.Value)
	if div > 1 {
		v = divideValue(v, div)
	}
	if js {
		return AppendJSON(dst, v, env)
	}
	return AppendText(dst, v, env)
}

func appendNum(dst []byte, n uint64, signed, js bool) []byte {
	if js {
		return appendJSONInt(dst, n, signed)
	}
	return appendInt(dst, Int{Bits: n, Signed: signed})
}

func divisor(div int) uint64 {
	if div <= 0 {
		return 1
	}
	return uint64(div)
}

func divide(n, div uint64, signed bool) uint64 {
	if signed {
		return uint64(int64(n) / int64(div))
	}
	return n / div
}

// divideValue applies print()'s div to the integers in a plain value, as
// bpftrace's formatter passes div down.
func divideValue(v Value, div uint64) Value {
	switch v := v.(type) {
	case Int:
		return Int{Bits: divide(v.Bits, div, v.Signed), Signed: v.Signed}
	case Tuple:
		out := make(Tuple, len(v))
		for i, e := range v {
			out[i] = divideValue(e, div)
		}
		return out
	case Array:
		out := make(Array, len(v))
		for i, e := range v {
			out[i] = divideValue(e, div)
		}
		return out
	case Record:
		out := Record{Names: v.Names, Fields: make([]Value, len(v.Fields))}
		for i, e := range v.Fields {
			out.Fields[i] = divideValue(e, div)
		}
		return out
	}
	return v
}

// appendMapJSON renders a map as one NDJSON record, or nothing when it is
// empty: {"type": "map"|"hist"|"stats", "data": {"@m": ...}}. flush is as
// for appendMapText.
func appendMapJSON(dst []byte, m *MapData, top, div int, env *Env, flush func([]byte)) []byte {
	from, to := m.visible(top)
	if from == to {
		return dst
	}
	d := divisor(div)
	typ := "map"
	switch m.Info.Agg {
	case plan.AggHist, plan.AggLhist:
		typ = "hist"
	case plan.AggAvg, plan.AggStats:
		typ = "stats"
	}
	dst = append(dst, `{"type": "`...)
	dst = append(dst, typ...)
	dst = append(dst, `", "data": {`...)
	dst = appendJSONString(dst, m.Info.Name)
	dst = append(dst, ": "...)
	keyed := m.Info.Key != nil && !m.Info.Array
	if keyed {
		dst = append(dst, '{')
	}
	var ent Entry
	e := &ent
	for i := from; i < to; i++ {
		if flush != nil && len(dst) > flushAt {
			flush(dst)
			dst = dst[:0]
		}
		m.entry(i, e)
		if keyed {
			if i > from {
				dst = append(dst, ", "...)
			}
			dst = appendKeyJSON(dst, m.Info.Key, e.Key, env)
			dst = append(dst, ": "...)
		}
		if m.isHist() {
			h := m.hist(e, d)
			dst = h.appendJSON(dst)
		} else {
			dst = appendEntryValue(dst, m.Info, e, d, env, true)
		}
		if !keyed {
			break
		}
	}
	if keyed {
		dst = append(dst, '}')
	}
	return append(dst, "}}\n"...)
}
