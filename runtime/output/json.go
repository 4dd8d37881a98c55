package output

import (
	"strconv"

	"sonde/internal/jsonenc"
)

// AppendJSON appends v as bpftrace's JSON output renders it: objects spaced
// ({"a": 1, "b": 2}), arrays not ([1,2]), enums and pointers as numbers,
// symbolic values (symbols, stacks, times...) as their text.
func AppendJSON(dst []byte, v Value, env *Env) []byte {
	env = envOr(env)
	switch v := v.(type) {
	case Int:
		return jsonenc.AppendInt(dst, v.Bits, v.Signed)
	case Bool:
		return strconv.AppendBool(dst, bool(v))
	case Buffer:
		// bpftrace emits the bytes as (signed) chars.
		dst = append(dst, '[')
		for i, c := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, int64(int8(c)), 10)
		}
		return append(dst, ']')
	case Pointer:
		return jsonenc.AppendInt(dst, uint64(v), false)
	case Enum:
		return jsonenc.AppendInt(dst, v.Num, false)
	case None:
		return append(dst, "null"...)
	case Array:
		return appendJSONList(dst, v, env)
	case Tuple:
		return appendJSONList(dst, v, env)
	case Record:
		dst = append(dst, '{')
		for i, e := range v.Fields {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = jsonenc.AppendString(dst, v.Names[i])
			dst = append(dst, ": "...)
			dst = AppendJSON(dst, e, env)
		}
		return append(dst, '}')
	}
	// Strings and everything printed symbolically.
	return jsonenc.AppendString(dst, string(AppendText(nil, v, env)))
}

func appendJSONList(dst []byte, vs []Value, env *Env) []byte {
	dst = append(dst, '[')
	for i, e := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSON(dst, e, env)
	}
	return append(dst, ']')
}
