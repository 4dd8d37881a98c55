// Package jsonenc writes the JSON scalars of bpftrace's -f json output:
// integers that a double cannot hold exactly become strings, and strings
// are escaped as bpftrace escapes them. The aggregation catalogue, the value
// printer and the NDJSON format share it.
package jsonenc

import (
	"math/bits"
	"strconv"
)

// AppendInt emits an integer, or a string when a double cannot hold it
// exactly (bpftrace's rule, after RFC 8259).
func AppendInt(dst []byte, v uint64, signed bool) []byte {
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

// AppendString quotes s, escaping as bpftrace does: \" \\ \n \r \t and
// other control characters as \u00XX; bytes >= 0x80 pass through.
func AppendString[S string | []byte](dst []byte, s S) []byte {
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
