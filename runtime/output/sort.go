package output

import (
	"bytes"
	"cmp"
	"slices"

	"sonde/compiler"
	"sonde/types"
)

// sortEntries puts entries in bpftrace's print order, ascending:
// count/sum/integer values by value, min/max by value (compared unsigned,
// as bpftrace does), avg/stats by average, hist/lhist by total count, and
// anything else by key. Ties, which bpftrace leaves in hash order, are
// broken by key so output is deterministic.
func sortEntries(info *compiler.MapInfo, es []*Entry) {
	signed := info.Signed
	byValue := true
	switch info.Agg {
	case compiler.AggCount:
		signed = false
		for _, e := range es {
			e.order = e.Num
		}
	case compiler.AggSum:
		for _, e := range es {
			e.order = e.Num
		}
	case compiler.AggMin, compiler.AggMax:
		signed = false // order was set while merging
	case compiler.AggAvg, compiler.AggStats:
		for _, e := range es {
			e.order = average(e, info.Signed)
		}
	case compiler.AggHist, compiler.AggLhist:
		signed = false
		for _, e := range es {
			var sum uint64
			for _, c := range e.Buckets {
				sum += c
			}
			e.order = sum
		}
	default:
		if t := info.Value; t != nil && t.IsInt() {
			signed = t.Signed
			for _, e := range es {
				e.order = readInt(e.Value, t.Size, t.Signed)
			}
		} else {
			byValue = false
		}
	}
	keyCmp := keyComparer(info.Key)
	slices.SortFunc(es, func(a, b *Entry) int {
		if byValue {
			var c int
			if signed {
				c = cmp.Compare(int64(a.order), int64(b.order))
			} else {
				c = cmp.Compare(a.order, b.order)
			}
			if c != 0 {
				return c
			}
		}
		return keyCmp(a.Key, b.Key)
	})
}

// average is the integer average bpftrace prints for avg and sorts by.
func average(e *Entry, signed bool) uint64 {
	if e.Count == 0 {
		return 0
	}
	if signed {
		return uint64(int64(e.Total) / int64(e.Count))
	}
	return e.Total / e.Count
}

// keyComparer orders keys as bpftrace's sort_by_key: integers as signed
// numbers of their size (whatever their signedness), strings bytewise over
// their capacity, tuples field by field with those two rules. Other fields
// and types fall back to the raw bytes.
func keyComparer(t *types.Type) func(a, b []byte) int {
	if t == nil {
		return func(a, b []byte) int { return 0 }
	}
	switch t.Kind {
	case types.Int:
		size := t.Size
		return func(a, b []byte) int {
			return cmp.Compare(int64(readInt(a, size, true)), int64(readInt(b, size, true)))
		}
	case types.Tuple:
		return func(a, b []byte) int {
			for _, f := range t.Fields {
				fa, fb := slice(a, f.Offset, f.Type.Size), slice(b, f.Offset, f.Type.Size)
				var c int
				switch f.Type.Kind {
				case types.Int:
					c = cmp.Compare(int64(readInt(fa, f.Type.Size, true)), int64(readInt(fb, f.Type.Size, true)))
				case types.String:
					c = bytes.Compare(fa, fb)
				}
				if c != 0 {
					return c
				}
			}
			return bytes.Compare(a, b)
		}
	}
	return bytes.Compare
}
