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

// printNum prints the integer num(m) after print()'s divisor.
func printNum(num func(m *Merged, signed bool) uint64) func([]byte, *Merged, Params, uint64, bool) []byte {
	return func(dst []byte, m *Merged, p Params, div uint64, json bool) []byte {
		return appendNum(dst, divide(num(m, p.Signed), div, p.Signed), p.Signed, json)
	}
}

func num(m *Merged, _ bool) uint64 { return m.Num }
