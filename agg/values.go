package agg

import (
	"encoding/binary"

	"sonde/types"
)

// CPUValues is one key's value on every CPU, as a per-CPU map holds it:
// CPU c's Size bytes at B[c*Stride:].
type CPUValues struct {
	B      []byte
	CPUs   int
	Size   int
	Stride int
}

// CPU returns CPU c's value.
func (v CPUValues) CPU(c int) []byte {
	off := c * v.Stride
	return v.B[off : off+v.Size : off+v.Size]
}

// U64 reads the little-endian u64 at off of CPU c's value; bytes past the
// value read as zeros.
func (v CPUValues) U64(c, off int) uint64 { return u64(v.CPU(c), off) }

// Sum adds the u64s at off over the CPUs.
func (v CPUValues) Sum(off int) uint64 {
	var sum uint64
	if v.Size >= off+8 {
		// The common case, without bounds checks per CPU.
		b := v.B[:v.CPUs*v.Stride]
		for at := off; at+8 <= len(b); at += v.Stride {
			sum += binary.LittleEndian.Uint64(b[at:])
		}
		return sum
	}
	for c := 0; c < v.CPUs; c++ {
		sum += v.U64(c, off)
	}
	return sum
}

// Merged is one key's value merged over the CPUs. Each aggregation fills
// its own fields: count, sum, min and max Num; avg and stats Count and
// Total; bucketed ones Buckets, a count per bucket index. Num and Total
// hold signed numbers in two's complement when the values are signed.
type Merged struct {
	Num     uint64
	Count   uint64
	Total   uint64
	Buckets []uint64
}

// u64 reads the little-endian u64 at off, zero-extended when b is short.
func u64(b []byte, off int) uint64 {
	if len(b) >= off+8 {
		return binary.LittleEndian.Uint64(b[off:])
	}
	return types.ReadUint(types.Clip(b, off, 8), 8)
}

// signedOrder makes a signed number sort as an unsigned one.
func signedOrder(n uint64, signed bool) uint64 {
	if signed {
		return n ^ 1<<63
	}
	return n
}

// average is the integer average bpftrace prints for avg and sorts by.
func average(m *Merged, signed bool) uint64 {
	if m.Count == 0 {
		return 0
	}
	if signed {
		return uint64(int64(m.Total) / int64(m.Count))
	}
	return m.Total / m.Count
}

// keep merges min or max: the best value over the CPUs whose set word is
// on, compared by signed for printing. bpftrace sorts these maps by the
// same reduction done with unsigned comparisons, so that is kept apart.
func keep(v CPUValues, m *Merged, signed, largest bool) (order uint64) {
	set := false
	for c := 0; c < v.CPUs; c++ {
		if v.U64(c, 8) == 0 {
			continue
		}
		x := v.U64(c, 0)
		if !set {
			m.Num, order, set = x, x, true
			continue
		}
		if better(x, m.Num, largest, signed) {
			m.Num = x
		}
		if better(x, order, largest, false) {
			order = x
		}
	}
	return order
}

func better(x, cur uint64, largest, signed bool) bool {
	if signed {
		if largest {
			return int64(x) > int64(cur)
		}
		return int64(x) < int64(cur)
	}
	if largest {
		return x > cur
	}
	return x < cur
}
