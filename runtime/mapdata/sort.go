package mapdata

import (
	"sonde/plan"

	"bytes"
	"cmp"
	"slices"

	"sonde/types"
)

// sortItems puts entries in bpftrace's print order, ascending, by the
// item's v: what the aggregation's Merge returned (its value, made to sort
// unsigned), a bucketed aggregation's total count, a plain integer value;
// maps of other values sort by key only. Ties, which bpftrace leaves in
// hash order, are broken by key so output is deterministic.
func sortItems(info *plan.MapInfo, items []sortItem, keyOf func(i uint32) []byte) {
	if len(items) < 2 {
		return
	}
	intKey := info.Key != nil && info.Key.Kind == types.Int
	if intKey {
		for i := range items {
			it := &items[i]
			// bpftrace compares integer keys as signed, whatever their type.
			it.k = types.ReadInt(keyOf(it.i), info.Key.Size, true) ^ 1<<63
		}
	}
	if intKey || info.Key == nil {
		radixSort(items)
		return
	}
	keyCmp := keyComparer(info.Key)
	slices.SortFunc(items, func(a, b sortItem) int {
		if c := cmp.Compare(a.v, b.v); c != 0 {
			return c
		}
		return keyCmp(keyOf(a.i), keyOf(b.i))
	})
}

// sortItem is an entry's sort keys and its index; it holds no pointers,
// so sorting a large map gives the garbage collector nothing to scan.
type sortItem struct {
	v, k uint64 // primary and secondary sort keys
	i    uint32 // index of the entry
}

// radixSort orders items by (v, k): a stable LSD radix sort over 16-bit
// digits, skipping the digits where all items agree (most of them: counts
// and keys are usually small numbers).
func radixSort(items []sortItem) {
	orK, andK, orV, andV := uint64(0), ^uint64(0), uint64(0), ^uint64(0)
	for i := range items {
		orK |= items[i].k
		andK &= items[i].k
		orV |= items[i].v
		andV &= items[i].v
	}
	diffK, diffV := orK^andK, orV^andV
	var tmp []sortItem
	src := items
	count := make([]int, 1<<16)
	for pass := 0; pass < 8; pass++ {
		shift := uint(pass%4) * 16
		useV := pass >= 4
		diff := diffK
		if useV {
			diff = diffV
		}
		if diff>>shift&0xffff == 0 {
			continue
		}
		if tmp == nil {
			tmp = make([]sortItem, len(items))
		}
		dst := tmp
		if &src[0] == &tmp[0] {
			dst = items
		}
		clear(count)
		for i := range src {
			count[digit(&src[i], useV, shift)]++
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for i := range src {
			d := digit(&src[i], useV, shift)
			dst[count[d]] = src[i]
			count[d]++
		}
		src = dst
	}
	if &src[0] != &items[0] {
		copy(items, src)
	}
}

func digit(it *sortItem, useV bool, shift uint) int {
	if useV {
		return int(it.v >> shift & 0xffff)
	}
	return int(it.k >> shift & 0xffff)
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
			return cmp.Compare(int64(types.ReadInt(a, size, true)), int64(types.ReadInt(b, size, true)))
		}
	case types.Tuple:
		return func(a, b []byte) int {
			for _, f := range t.Fields {
				fa, fb := types.Clip(a, f.Offset, f.Type.Size), types.Clip(b, f.Offset, f.Type.Size)
				var c int
				switch f.Type.Kind {
				case types.Int:
					c = cmp.Compare(int64(types.ReadInt(fa, f.Type.Size, true)), int64(types.ReadInt(fb, f.Type.Size, true)))
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
