package agg

import (
	"strconv"

	"sonde/internal/jsonenc"
)

// appendNum prints an integer as text or JSON.
func appendNum(dst []byte, n uint64, signed, json bool) []byte {
	switch {
	case json:
		return jsonenc.AppendInt(dst, n, signed)
	case signed:
		return strconv.AppendInt(dst, int64(n), 10)
	}
	return strconv.AppendUint(dst, n, 10)
}

// divide applies print()'s divisor.
func divide(n, div uint64, signed bool) uint64 {
	if signed {
		return uint64(int64(n) / int64(div))
	}
	return n / div
}

// printNum prints Merged.Num after print()'s divisor: the value of count,
// sum, min and max. (It is their Print for every entry of a large map, so
// it reads Num itself rather than through a function.)
func printNum(dst []byte, m *Merged, p Params, div uint64, json bool) []byte {
	n := m.Num
	if div > 1 {
		n = divide(n, div, p.Signed)
	}
	return appendNum(dst, n, p.Signed, json)
}
