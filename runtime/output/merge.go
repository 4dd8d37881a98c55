package output

import (
	"encoding/binary"

	"sonde/compiler"
	"sonde/types"
)

// MapData is a user map read from the kernel: per-CPU values merged, one
// Entry per user key, sorted in bpftrace's print order (largest last).
type MapData struct {
	Info    *compiler.MapInfo
	Entries []*Entry
}

// Entry is one user key and its merged value.
type Entry struct {
	Key []byte // the user key's bytes; nil for a map without keys

	Num     uint64   // count, sum, min, max (signed per Info.Signed)
	Count   uint64   // avg, stats: number of values
	Total   uint64   // avg, stats: their sum (signed per Info.Signed)
	Buckets []uint64 // hist, lhist: count per bucket index
	Value   []byte   // AggNone: the value's bytes
}

// MergeMap merges what the runtime read from a BPF map: keys[i] is the raw
// BPF key, values[i] its value per CPU (a single element for maps that are
// not per-CPU). Layouts follow compiler.MapInfo: hist/lhist keys carry a
// u64 bucket suffix, or are the u32 bucket index of a keyless (Array) map.
//
// A keyless aggregation's array element is there when some CPU set its
// "set" word (Info.SetAt); other array maps cannot tell a zero from an
// absent value, so an all-zero element counts as absent (like a cleared
// bpftrace map). The entries keep
// references to keys and values: don't reuse those buffers before printing.
func MergeMap(info *compiler.MapInfo, keys [][]byte, values [][][]byte) *MapData {
	var items []sortItem
	switch info.Agg {
	case compiler.AggHist, compiler.AggLhist:
		items = mergeHist(info, keys, values)
	default:
		items = make([]sortItem, 0, len(keys))
		backing := make([]Entry, len(keys))
		for i, k := range keys {
			e := &backing[i]
			if !info.Array {
				e.Key = k
			}
			order := mergeValue(info, e, values[i])
			if info.SetAt > 0 {
				if !anySet(values[i], info.SetAt) {
					continue
				}
			} else if info.Array && e.zero() {
				continue
			}
			items = append(items, sortItem{v: order, e: e})
		}
	}
	sortItems(info, items)
	m := &MapData{Info: info, Entries: make([]*Entry, len(items))}
	for i := range items {
		m.Entries[i] = items[i].e
	}
	return m
}

// mergeValue reduces the per-CPU values into e and returns what e sorts
// by (see sortItems).
func mergeValue(info *compiler.MapInfo, e *Entry, cpus [][]byte) (order uint64) {
	switch info.Agg {
	case compiler.AggCount, compiler.AggSum:
		for _, v := range cpus {
			e.Num += u64(v, 0)
		}
		return e.Num
	case compiler.AggMin, compiler.AggMax:
		return mergeMinMax(info, e, cpus)
	case compiler.AggAvg, compiler.AggStats:
		for _, v := range cpus {
			e.Count += u64(v, 0)
			e.Total += u64(v, 8)
		}
		return average(e, info.Signed)
	default:
		if len(cpus) > 0 {
			e.Value = cpus[0]
		}
		// Per-CPU plain integers are summed, as bpftrace reduces them.
		if info.Value != nil && info.Value.IsInt() && len(cpus) > 1 {
			var sum uint64
			for _, v := range cpus {
				sum += readInt(v, info.Value.Size, info.Value.Signed)
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
func mergeMinMax(info *compiler.MapInfo, e *Entry, cpus [][]byte) (order uint64) {
	isMax := info.Agg == compiler.AggMax
	set := false
	for _, v := range cpus {
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
func mergeHist(info *compiler.MapInfo, keys [][]byte, values [][][]byte) []sortItem {
	n := info.NumBuckets
	if n <= 0 {
		n = numBuckets(info)
	}
	var entries []*Entry
	byKey := make(map[string]*Entry)
	for i, k := range keys {
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
		var c uint64
		for _, v := range values[i] {
			c += u64(v, 0)
		}
		e := byKey[string(uk)]
		if e == nil {
			if info.Array && c == 0 {
				continue
			}
			e = &Entry{Key: uk, Buckets: make([]uint64, n)}
			byKey[string(uk)] = e
			entries = append(entries, e)
		}
		if bucket >= len(e.Buckets) {
			e.Buckets = append(e.Buckets, make([]uint64, bucket+1-len(e.Buckets))...)
		}
		e.Buckets[bucket] += c
	}
	items := make([]sortItem, len(entries))
	for i, e := range entries {
		var sum uint64
		for _, c := range e.Buckets {
			sum += c
		}
		items[i] = sortItem{v: sum, e: e}
	}
	return items
}

func numBuckets(info *compiler.MapInfo) int {
	if info.Agg == compiler.AggHist {
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

// anySet reports whether some CPU's value has its set word at off.
func anySet(cpus [][]byte, off int) bool {
	for _, v := range cpus {
		if len(v) >= off+8 && u64(v, off) != 0 {
			return true
		}
	}
	return false
}
