// Package mapdata is a user map read from the kernel: its entries with the
// per-CPU values merged, in bpftrace's print order, with the types and
// layouts to decode them. Output formats print it; a Go program embedding
// sonde reads it directly.
//
// An Entry keeps the raw key and value bytes, laid out as Info.Key and
// Info.Value (output.Decode turns them into values); an aggregation's value
// is already merged (agg.Merged: the number, or count and total, or a
// count per bucket, whose bounds agg's Rows gives). Merging is lazy for
// large maps: entries are reduced one by one as they are read, so printing
// a map allocates nothing per key.
package mapdata

import (
	"encoding/binary"

	"sonde/agg"
	"sonde/plan"
	"sonde/types"
)

// Map is a user map read from the kernel, ready to print or read: entries
// in print order (ascending: print(@m, top) shows the last top of them).
type Map struct {
	Info *plan.MapInfo
	// Agg is the catalogue entry of the map's aggregation; nil for a map of
	// plain values (or one whose aggregation this build does not know).
	Agg *agg.Aggregation
	// Params are the aggregation's parameters and signedness, for
	// Agg.Print and Agg.Rows.
	Params agg.Params

	raw   *RawMap  // entries as read
	order []uint32 // print order: indexes into raw, or into hists
	hists []Entry  // bucketed aggregations: one merged Entry per user key
	tmp   Entry    // Merge's current entry, here so it does not escape
}

// Entry is one user key and its merged value.
type Entry struct {
	Key []byte // the user key's bytes, laid out as Info.Key; nil for a map without keys
	// Value is a plain map's value, laid out as Info.Value.
	Value []byte
	// Merged is an aggregation's value over all CPUs.
	agg.Merged
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

// CPUValues returns entry i's values on every CPU.
func (r *RawMap) CPUValues(i int) agg.CPUValues {
	n := r.CPUs * r.Stride
	return agg.CPUValues{B: r.Values[i*n : (i+1)*n], CPUs: r.CPUs, Size: r.ValueSize, Stride: r.Stride}
}

// sum0 adds entry i's u64s at offset 0 over the CPUs.
func (r *RawMap) sum0(i int) uint64 {
	if r.ValueSize < 8 {
		return r.CPUValues(i).Sum(0)
	}
	n := r.CPUs * r.Stride
	vals := r.Values[i*n:][:n]
	var sum uint64
	for off := 0; off+8 <= len(vals); off += r.Stride {
		sum += binary.LittleEndian.Uint64(vals[off:])
	}
	return sum
}

// Len is the number of entries.
func (m *Map) Len() int { return len(m.order) }

// Keyed reports whether entries have keys (printed as @m[k]).
func (m *Map) Keyed() bool { return m.Info.Key != nil && !m.Info.Array }

// Entry merges the i-th entry in print order into e. The entry's byte
// slices point into the map: don't modify them.
func (m *Map) Entry(i int, e *Entry) {
	if m.hists != nil {
		*e = m.hists[m.order[i]]
		return
	}
	idx := int(m.order[i])
	if !m.Info.Array {
		e.Key = m.raw.Key(idx)
	} else {
		e.Key = nil
	}
	e.Value, e.Merged = nil, agg.Merged{}
	m.merge(e, idx)
}

// Visible returns the range of entries print(@m, top) shows: the last top
// of them (all when top is 0).
func (m *Map) Visible(top int) (from, to int) {
	to = m.Len()
	if top > 0 && to > top {
		from = to - top
	}
	return from, to
}

// MergeSlices merges what the runtime read from a BPF map: keys[i] is the
// raw BPF key, values[i] its value per CPU (a single element for maps that
// are not per-CPU). It copies them into a RawMap for Merge.
func MergeSlices(info *plan.MapInfo, keys [][]byte, values [][][]byte) *Map {
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
	return Merge(info, raw)
}

// Merge sorts a map read from the kernel into print order. Layouts follow
// plan.MapInfo: keys of a bucketed aggregation carry a u64 bucket suffix,
// or are the u32 bucket index of a keyless (Array) map.
//
// A keyless aggregation's array element is there when some CPU set its
// "set" word (Info.SetAt); other array maps cannot tell a zero from an
// absent value, so an all-zero element counts as absent (like a cleared
// bpftrace map). The Map keeps referring to raw: don't reuse its buffers
// before printing.
func Merge(info *plan.MapInfo, raw *RawMap) *Map {
	m := &Map{Info: info, raw: raw, Params: agg.Params{Args: info.AggArgs, Signed: info.Signed}}
	m.Agg, _ = agg.Lookup(info.Agg)
	var items []sortItem
	var keyOf func(i uint32) []byte
	if m.Agg != nil && m.Agg.Bucketed() {
		m.hists, items = mergeBuckets(info, m.Agg, raw)
		keyOf = func(i uint32) []byte { return m.hists[i].Key }
	} else {
		items = make([]sortItem, 0, raw.N)
		e := &m.tmp
		for i := 0; i < raw.N; i++ {
			// Only what merge sets changes from key to key.
			e.Value, e.Merged = nil, agg.Merged{}
			order := m.merge(e, i)
			if info.SetAt > 0 {
				if !anySet(raw, i, info.SetAt) {
					continue
				}
			} else if info.Array && e.zero() {
				continue
			}
			items = append(items, sortItem{v: order, i: uint32(i)})
		}
		m.tmp = Entry{}
		keyOf = func(i uint32) []byte { return raw.Key(int(i)) }
	}
	sortItems(info, items, keyOf)
	m.order = make([]uint32, len(items))
	for i := range items {
		m.order[i] = items[i].i
	}
	return m
}

// merge reduces entry i's per-CPU values into e and returns what e sorts
// by (see sortItems).
func (m *Map) merge(e *Entry, i int) (order uint64) {
	if m.Agg != nil {
		if m.Agg.Additive {
			// An additive value is one u64 summed over the CPUs (see
			// agg.Aggregation.Additive): the hot path of large count and
			// sum maps, without a call through the entry per key.
			e.Num = m.raw.sum0(i)
			return signedOrder(e.Num, m.Info.Signed)
		}
		return m.Agg.Merge(m.raw.CPUValues(i), &e.Merged, m.Info.Signed)
	}
	info, raw := m.Info, m.raw
	if raw.CPUs > 0 {
		e.Value = raw.Value(i, 0)
	}
	// Per-CPU plain integers are summed, as bpftrace reduces them.
	if info.Value != nil && info.Value.IsInt() && raw.CPUs > 1 {
		var sum uint64
		for c := 0; c < raw.CPUs; c++ {
			sum += types.ReadInt(raw.Value(i, c), info.Value.Size, info.Value.Signed)
		}
		e.Value = binary.LittleEndian.AppendUint64(nil, sum)
	}
	if sortsByValue(info.Value) {
		return signedOrder(types.ReadInt(e.Value, info.Value.Size, info.Value.Signed), info.Value.Signed)
	}
	return 0
}

// sortsByValue reports whether a plain value map sorts by its values:
// integers and enums do, bools and everything else sort by key.
func sortsByValue(t *types.Type) bool {
	return t != nil && (t.Kind == types.Int || t.Kind == types.Enum)
}

func signedOrder(n uint64, signed bool) uint64 {
	if signed {
		return n ^ 1<<63
	}
	return n
}

// mergeBuckets groups bucket counts by user key; entries sort by their
// total.
func mergeBuckets(info *plan.MapInfo, a *agg.Aggregation, raw *RawMap) ([]Entry, []sortItem) {
	n := info.NumBuckets
	if n <= 0 {
		n = a.Buckets(info.AggArgs)
	}
	entries := []Entry{}
	byKey := make(map[string]int)
	for i := 0; i < raw.N; i++ {
		k := raw.Key(i)
		var uk []byte
		var bucket int
		if info.Array {
			bucket = int(types.ReadUint(k, 4))
		} else {
			if len(k) < 8 {
				continue
			}
			uk = k[:len(k)-8]
			bucket = int(binary.LittleEndian.Uint64(k[len(k)-8:]))
		}
		c := raw.CPUValues(i).Sum(0)
		j, ok := byKey[string(uk)]
		if !ok {
			if info.Array && c == 0 {
				continue
			}
			j = len(entries)
			entries = append(entries, Entry{Key: uk, Merged: agg.Merged{Buckets: make([]uint64, n)}})
			byKey[string(uk)] = j
		}
		e := &entries[j]
		if bucket >= len(e.Buckets) {
			e.Buckets = append(e.Buckets, make([]uint64, bucket+1-len(e.Buckets))...)
		}
		e.Buckets[bucket] += c
		if info.HistSums {
			e.Total += raw.CPUValues(i).Sum(8) // the values' sum, beside the count
		}
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

// anySet reports whether some CPU's value of entry i has its set word at
// off.
func anySet(raw *RawMap, i, off int) bool {
	for c := 0; c < raw.CPUs; c++ {
		if v := raw.Value(i, c); len(v) >= off+8 && binary.LittleEndian.Uint64(v[off:]) != 0 {
			return true
		}
	}
	return false
}

// Number is e's value as one number where the map's values are numbers:
// an aggregation's Number (count, sum, min, max; avg's average; stats'
// count; a histogram's total count) or a plain integer. An unsigned
// number past MaxInt64 reads as MaxInt64. ok is false for other values.
func (m *Map) Number(e *Entry) (n int64, ok bool) {
	var bits uint64
	var signed bool
	switch v := m.Info.Value; {
	case m.Agg != nil:
		bits, signed = m.Agg.Number.Int(&e.Merged, m.Info.Signed)
	case sortsByValue(v):
		bits, signed = types.ReadInt(e.Value, v.Size, v.Signed), v.Signed
	default:
		return 0, false
	}
	if !signed && int64(bits) < 0 {
		return 1<<63 - 1, true
	}
	return int64(bits), true
}
