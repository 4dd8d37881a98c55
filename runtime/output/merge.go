package output

import (
	"sonde/plan"

	"encoding/binary"

	"sonde/types"
)

// MapData is a user map read from the kernel, ready to print: per-CPU
// values are merged lazily, entry by entry, in bpftrace's print order
// (largest last). Printing a large map thus allocates no Entry per key.
type MapData struct {
	Info *plan.MapInfo

	raw   *RawMap  // plain maps: the entries as read
	order []uint32 // print order: indexes into raw, or into hists
	hists []Entry  // hist/lhist maps: one merged Entry per user key
}

// Entry is one user key and its merged value.
type Entry struct {
	Key []byte // the user key's bytes; nil for a map without keys

	Num     uint64   // count, sum, min, max (signed per Info.Signed)
	Count   uint64   // avg, stats: number of values
	Total   uint64   // avg, stats, and hist/lhist with Info.HistSums: the values' sum (signed per Info.Signed)
	Buckets []uint64 // hist, lhist: count per bucket index
	Value   []byte   // AggNone: the value's bytes
}

// RawMap is a BPF map's contents in flat buffers, as batched lookups
// return them: N entries, the key of entry i at Keys[i*KeySize:], and its
// value on CPU c (c < CPUs; CPUs is 1 for maps that are not per-CPU) at
// Values[(i*CPUs+c)*Stride:], ValueSize bytes long.
type RawMap struct {
	N         int
	KeySize   int
	Keys      []byte
	ValueSize int
	Stride    int
	CPUs      int
	Values    []byte
}

// Key returns entry i's key.
func (r *RawMap) Key(i int) []byte {
	off := i * r.KeySize
	return r.Keys[off : off+r.KeySize : off+r.KeySize]
}

// Value returns entry i's value on CPU c.
func (r *RawMap) Value(i, c int) []byte {
	off := (i*r.CPUs + c) * r.Stride
	return r.Values[off : off+r.ValueSize : off+r.ValueSize]
}

// Len is the number of entries printed.
func (m *MapData) Len() int { return len(m.order) }

// entry merges the i-th entry in print order into e.
func (m *MapData) entry(i int, e *Entry) {
	if m.hists != nil {
		*e = m.hists[m.order[i]]
		return
	}
	idx := int(m.order[i])
	*e = Entry{}
	if !m.Info.Array {
		e.Key = m.raw.Key(idx)
	}
	mergeValue(m.Info, e, m.raw, idx)
}

// MergeMap merges what the runtime read from a BPF map: keys[i] is the raw
// BPF key, values[i] its value per CPU (a single element for maps that are
// not per-CPU). It copies them into a RawMap for MergeRaw.
func MergeMap(info *plan.MapInfo, keys [][]byte, values [][][]byte) *MapData {
	raw := &RawMap{N: len(keys), CPUs: 1}
	for i, k := range keys {
		raw.KeySize = max(raw.KeySize, len(k))
		raw.CPUs = max(raw.CPUs, len(values[i]))
		for _, v := range values[i] {
			raw.ValueSize = max(raw.ValueSize, len(v))
		}
	}
	raw.Stride = raw.ValueSize
	raw.Keys = make([]byte, raw.N*raw.KeySize)
	raw.Values = make([]byte, raw.N*raw.CPUs*raw.Stride)
	for i, k := range keys {
		copy(raw.Keys[i*raw.KeySize:], k)
		for c, v := range values[i] {
			copy(raw.Values[(i*raw.CPUs+c)*raw.Stride:], v)
		}
	}
	return MergeRaw(info, raw)
}

// MergeRaw sorts a map read from the kernel into print order. Layouts
// follow plan.MapInfo: hist/lhist keys carry a u64 bucket suffix, or
// are the u32 bucket index of a keyless (Array) map.
//
// A keyless aggregation's array element is there when some CPU set its
// "set" word (Info.SetAt); other array maps cannot tell a zero from an
// absent value, so an all-zero element counts as absent (like a cleared
// bpftrace map). The MapData keeps referring to raw: don't reuse its
// buffers before printing.
func MergeRaw(info *plan.MapInfo, raw *RawMap) *MapData {
	m := &MapData{Info: info, raw: raw}
	var items []sortItem
	var keyOf func(i uint32) []byte
	switch info.Agg {
	case plan.AggHist, plan.AggLhist:
		m.hists, items = mergeHist(info, raw)
		keyOf = func(i uint32) []byte { return m.hists[i].Key }
	default:
		items = make([]sortItem, 0, raw.N)
		var e Entry
		for i := 0; i < raw.N; i++ {
			e = Entry{}
			order := mergeValue(info, &e, raw, i)
			if info.SetAt > 0 {
				if !anySet(raw, i, info.SetAt) {
					continue
				}
			} else if info.Array && e.zero() {
				continue
			}
			items = append(items, sortItem{v: order, i: uint32(i)})
		}
		keyOf = func(i uint32) []byte { return raw.Key(int(i)) }
	}
	sortItems(info, items, keyOf)
	m.order = make([]uint32, len(items))
	for i := range items {
		m.order[i] = items[i].i
	}
	return m
}

// mergeValue reduces entry i's per-CPU values into e and returns what e
// sorts by (see sortItems).
func mergeValue(info *plan.MapInfo, e *Entry, raw *RawMap, i int) (order uint64) {
	switch info.Agg {
	case plan.AggCount, plan.AggSum:
		if raw.ValueSize >= 8 {
			// The common case, without bounds checks per CPU.
			vals := raw.Values[i*raw.CPUs*raw.Stride:][:raw.CPUs*raw.Stride]
			for off := 0; off+8 <= len(vals); off += raw.Stride {
				e.Num += binary.LittleEndian.Uint64(vals[off:])
			}
			return e.Num
		}
		for c := 0; c < raw.CPUs; c++ {
			e.Num += u64(raw.Value(i, c), 0)
		}
		return e.Num
	case plan.AggMin, plan.AggMax:
		return mergeMinMax(info, e, raw, i)
	case plan.AggAvg, plan.AggStats:
		for c := 0; c < raw.CPUs; c++ {
			v := raw.Value(i, c)
			e.Count += u64(v, 0)
			e.Total += u64(v, 8)
		}
		return average(e, info.Signed)
	default:
		if raw.CPUs > 0 {
			e.Value = raw.Value(i, 0)
		}
		// Per-CPU plain integers are summed, as bpftrace reduces them.
		if info.Value != nil && info.Value.IsInt() && raw.CPUs > 1 {
			var sum uint64
			for c := 0; c < raw.CPUs; c++ {
				sum += readInt(raw.Value(i, c), info.Value.Size, info.Value.Signed)
			}
			e.Value = binary.LittleEndian.AppendUint64(nil, sum)
		}
		if sortsByValue(info.Value) {
			return readInt(e.Value, info.Value.Size, info.Value.Signed)
		}
	}
	return 0
}

// sortsByValue reports whether a plain value map sorts by its values:
// integers and enums do, bools and everything else sort by key.
func sortsByValue(t *types.Type) bool {
	return t != nil && (t.Kind == types.Int || t.Kind == types.Enum)
}

// mergeMinMax keeps the min or max over the CPUs whose set flag is on,
// compared by info.Signed for printing. bpftrace sorts these maps by the
// same reduction done with unsigned comparisons, so that is kept apart.
func mergeMinMax(info *plan.MapInfo, e *Entry, raw *RawMap, i int) (order uint64) {
	isMax := info.Agg == plan.AggMax
	set := false
	for c := 0; c < raw.CPUs; c++ {
		v := raw.Value(i, c)
		if u64(v, 8) == 0 {
			continue
		}
		x := u64(v, 0)
		if !set {
			e.Num, order, set = x, x, true
			continue
		}
		if better(x, e.Num, isMax, info.Signed) {
			e.Num = x
		}
		if better(x, order, isMax, false) {
			order = x
		}
	}
	return order
}

func better(x, cur uint64, isMax, signed bool) bool {
	if signed {
		if isMax {
			return int64(x) > int64(cur)
		}
		return int64(x) < int64(cur)
	}
	if isMax {
		return x > cur
	}
	return x < cur
}

// mergeHist groups bucket counts by user key; entries sort by their total.
func mergeHist(info *plan.MapInfo, raw *RawMap) ([]Entry, []sortItem) {
	n := info.NumBuckets
	if n <= 0 {
		n = numBuckets(info)
	}
	entries := []Entry{}
	byKey := make(map[string]int)
	for i := 0; i < raw.N; i++ {
		k := raw.Key(i)
		var uk []byte
		var bucket int
		if info.Array {
			bucket = int(u64(k, 0) & 0xffffffff)
		} else {
			if len(k) < 8 {
				continue
			}
			uk = k[:len(k)-8]
			bucket = int(binary.LittleEndian.Uint64(k[len(k)-8:]))
		}
		var c, sum uint64
		for cpu := 0; cpu < raw.CPUs; cpu++ {
			v := raw.Value(i, cpu)
			c += u64(v, 0)
			if info.HistSums {
				sum += u64(v, 8)
			}
		}
		j, ok := byKey[string(uk)]
		if !ok {
			if info.Array && c == 0 {
				continue
			}
			j = len(entries)
			entries = append(entries, Entry{Key: uk, Buckets: make([]uint64, n)})
			byKey[string(uk)] = j
		}
		e := &entries[j]
		if bucket >= len(e.Buckets) {
			e.Buckets = append(e.Buckets, make([]uint64, bucket+1-len(e.Buckets))...)
		}
		e.Buckets[bucket] += c
		e.Total += sum
	}
	items := make([]sortItem, len(entries))
	for i := range entries {
		var sum uint64
		for _, c := range entries[i].Buckets {
			sum += c
		}
		items[i] = sortItem{v: sum, i: uint32(i)}
	}
	return entries, items
}

func numBuckets(info *plan.MapInfo) int {
	if info.Agg == plan.AggHist {
		return HistNumBuckets(info.HistBits)
	}
	if info.LhistStep <= 0 {
		return 0
	}
	return LhistNumBuckets(info.LhistMin, info.LhistMax, info.LhistStep)
}

func (e *Entry) zero() bool {
	if e.Num != 0 || e.Count != 0 || e.Total != 0 {
		return false
	}
	for _, c := range e.Value {
		if c != 0 {
			return false
		}
	}
	return true
}

// u64 reads the little-endian u64 at off, zero if b is too short.
func u64(b []byte, off int) uint64 {
	if len(b) >= off+8 {
		return binary.LittleEndian.Uint64(b[off:])
	}
	return readUint(slice(b, off, 8), 8)
}

// anySet reports whether some CPU's value of entry i has its set word at
// off.
func anySet(raw *RawMap, i, off int) bool {
	for c := 0; c < raw.CPUs; c++ {
		if v := raw.Value(i, c); len(v) >= off+8 && u64(v, off) != 0 {
			return true
		}
	}
	return false
}
