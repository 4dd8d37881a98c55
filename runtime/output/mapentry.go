package output

import (
	"sonde/internal/jsonenc"
	"sonde/runtime/mapdata"
	"sonde/types"
)

// What every format needs to print map entries: keys, values and the
// divisor, as bpftrace renders them.

// FlushAt is the buffered size past which a format hands a long map to its
// writer, so printing a large map needs no buffer of its size.
const FlushAt = 32 << 10

// Divisor is print()'s div as a divisor: at least 1.
func Divisor(div int) uint64 {
	if div <= 0 {
		return 1
	}
	return uint64(div)
}

// AppendEntryValue appends e's value: the aggregation's (its Print), or
// the plain value decoded, with div applied, as text or as JSON.
func AppendEntryValue(dst []byte, m *mapdata.Map, e *mapdata.Entry, div uint64, env *Env, json bool) []byte {
	if m.Agg != nil {
		return m.Agg.Print(dst, &e.Merged, m.Params, div, json)
	}
	v := Decode(m.Info.Value, e.Value)
	if div > 1 {
		v = divideValue(v, div)
	}
	if json {
		return AppendJSON(dst, v, env)
	}
	return AppendText(dst, v, env)
}

// AppendKeyText renders a key as text inside @m[...]; tuples lose their
// outer parentheses.
func AppendKeyText(dst []byte, t *types.Type, key []byte, env *Env) []byte {
	switch t.Kind {
	case types.Int: // the common case, without allocating
		return appendInt(dst, Int{Bits: types.ReadInt(key, t.Size, t.Signed), Signed: t.Signed})
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

// AppendKeyJSON renders a key as a JSON object key: its text, tuple
// elements joined by "," as bpftrace does.
func AppendKeyJSON(dst []byte, t *types.Type, key []byte, env *Env) []byte {
	switch t.Kind {
	case types.Int: // digits need no escaping
		dst = append(dst, '"')
		dst = AppendKeyText(dst, t, key, env)
		return append(dst, '"')
	case types.Tuple:
		return jsonenc.AppendString(dst, string(appendTupleKey(nil, Decode(t, key), ",", env)))
	}
	return jsonenc.AppendString(dst, string(AppendText(nil, Decode(t, key), env)))
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

func divide(n, div uint64, signed bool) uint64 {
	if signed {
		return uint64(int64(n) / int64(div))
	}
	return n / div
}

// KeyValues decodes e's key: one value per tuple element, one for a plain
// key, none for a map without keys.
func KeyValues(m *mapdata.Map, e *mapdata.Entry) []Value {
	if !m.Keyed() {
		return nil
	}
	v := Decode(m.Info.Key, e.Key)
	if t, ok := v.(Tuple); ok {
		return t
	}
	return []Value{v}
}
