package output

import (
	"math/bits"
	"strconv"
)

// AppendJSON appends v as bpftrace's JSON output renders it: objects spaced
// ({"a": 1, "b": 2}), arrays not ([1,2]), enums and pointers as numbers,
// symbolic values (symbols, stacks, times...) as their text.
func AppendJSON(dst []byte, v Value, env *Env) []byte {
	env = envOr(env)
	switch v := v.(type) {
	case Int:
		return appendJSONInt(dst, v.Bits, v.Signed)
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
		return appendJSONInt(dst, uint64(v), false)
	case Enum:
		return appendJSONInt(dst, v.Num, false)
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
			dst = appendJSONString(dst, v.Names[i])
			dst = append(dst, ": "...)
			dst = AppendJSON(dst, e, env)
		}
		return append(dst, '}')
	}
	// Strings and everything printed symbolically.
	return appendJSONString(dst, string(AppendText(nil, v, env)))
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

// appendJSONInt emits an integer, or a string when a double cannot hold it
// exactly (bpftrace's rule, after RFC 8259).
func appendJSONInt(dst []byte, v uint64, signed bool) []byte {
	mag := v
	if signed && int64(v) < 0 {
		mag = -v
	}
	exact := mag == 0 || bits.Len64(mag)-bits.TrailingZeros64(mag) <= 53
	if !exact {
		dst = append(dst, '"')
	}
	if signed {
		dst = strconv.AppendInt(dst, int64(v), 10)
	} else {
		dst = strconv.AppendUint(dst, v, 10)
	}
	if !exact {
		dst = append(dst, '"')
	}
	return dst
}

// appendJSONString quotes s, escaping as bpftrace does: \" \\ \n \r \t and
// other control characters as \u00XX; bytes >= 0x80 pass through.
func appendJSONString[S string | []byte](dst []byte, s S) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if c <= 0x1f {
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			} else {
				dst = append(dst, c)
			}
		}
	}
	return append(dst, '"')
}
