// Package mapdatatest builds maps as the runtime reads them from the
// kernel (raw keys, one value per CPU), for the tests and benchmarks of
// the map reader and the output formats.
package mapdatatest

import (
	"encoding/binary"

	"sonde/agg"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/types"
)

// LE64 and LE32 are little-endian integers.
func LE64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func LE32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// Cat concatenates byte slices.
func Cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// CStr is s in a NUL-padded buffer of size bytes.
func CStr(s string, size int) []byte {
	b := make([]byte, size)
	copy(b, s)
	return b
}

// Hist fills a keyless hist(_, k) map from values, spread over two CPUs.
func Hist(name string, k int, vals ...int64) *mapdata.Map {
	info := &plan.MapInfo{Name: name, Agg: agg.Hist.Name, AggArgs: []int64{int64(k)}, Array: true, PerCPU: true,
		NumBuckets: agg.HistNumBuckets(k)}
	counts := make([]uint64, info.NumBuckets)
	for _, v := range vals {
		counts[agg.HistBucket(v, k)]++
	}
	return arrayHist(info, counts)
}

// Lhist fills a keyless lhist(_, min, max, step) map from values.
func Lhist(name string, min, max, step int64, vals ...int64) *mapdata.Map {
	info := &plan.MapInfo{Name: name, Agg: agg.Lhist.Name, AggArgs: []int64{min, max, step}, Array: true, PerCPU: true,
		NumBuckets: agg.LhistNumBuckets(min, max, step)}
	counts := make([]uint64, info.NumBuckets)
	for _, v := range vals {
		counts[agg.LhistBucket(v, min, max, step)]++
	}
	return arrayHist(info, counts)
}

func arrayHist(info *plan.MapInfo, counts []uint64) *mapdata.Map {
	var keys [][]byte
	var vals [][][]byte
	for i, c := range counts {
		keys = append(keys, LE32(uint32(i)))
		// Split each count over two CPUs to exercise merging.
		vals = append(vals, [][]byte{LE64(c / 2), LE64(c - c/2)})
	}
	return mapdata.MergeSlices(info, keys, vals)
}

// Count builds a keyed count map from key bytes and per-key counts.
func Count(name string, key *types.Type, entries map[string]uint64) *mapdata.Map {
	info := &plan.MapInfo{Name: name, Agg: agg.Count.Name, Key: key, Value: types.Uint64, PerCPU: true}
	var keys [][]byte
	var vals [][][]byte
	for k, c := range entries {
		keys = append(keys, []byte(k))
		vals = append(vals, [][]byte{LE64(c), LE64(0)})
	}
	return mapdata.MergeSlices(info, keys, vals)
}

// CountInput is what the runtime reads for @[u64] = count() with n keys
// on 2 CPUs.
func CountInput(n int) (*plan.MapInfo, [][]byte, [][][]byte) {
	info := &plan.MapInfo{Name: "@", Agg: agg.Count.Name, Key: types.Uint64, Value: types.Uint64, PerCPU: true}
	keys := make([][]byte, n)
	vals := make([][][]byte, n)
	for i := range keys {
		k := uint64(i*2654435761) % 1000003
		keys[i] = LE64(k)
		vals[i] = [][]byte{LE64(k % 977), LE64(uint64(i % 13))}
	}
	return info, keys, vals
}

// CountRaw is CountInput as the runtime reads it: flat buffers.
func CountRaw(n int) (*plan.MapInfo, *mapdata.RawMap) {
	info, keys, vals := CountInput(n)
	raw := &mapdata.RawMap{N: n, KeySize: 8, ValueSize: 8, Stride: 8, CPUs: 2}
	for i := range keys {
		raw.Keys = append(raw.Keys, keys[i]...)
		raw.Values = append(raw.Values, vals[i][0]...)
		raw.Values = append(raw.Values, vals[i][1]...)
	}
	return info, raw
}
