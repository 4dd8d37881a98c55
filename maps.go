package sonde

import (
	"math"

	"sonde/plan"
	"sonde/runtime/output"
	"sonde/types"
)

// Map is a user map's contents as Go values.
//
// It is a view of the runtime's merged map data (output.MapData: per-CPU
// values merged, entries in print order); mapOf is the one place that
// reads that data, so the view moves with it when map data gets a package
// of its own.
type Map struct {
	Name string // as the script writes it: "@", "@bytes"
	// Kind is the aggregation the map holds (count, sum, min, max, avg,
	// stats, hist, lhist), "" for a map of plain values.
	Kind      string
	KeyType   *types.Type // nil for a map without keys; several keys are one Tuple
	ValueType *types.Type // the plain value's type, or the aggregation's number
	Entries   []Entry     // in the order sonde prints them: by value, largest last
}

// Entry is one key of a map and its value, merged over the CPUs.
type Entry struct {
	Key output.Value // nil for a map without keys; an output.Tuple for several keys

	// Value is the plain value, or the aggregation's number: the count,
	// sum, min or max, the average of avg and stats (as sonde prints
	// them); nil for hist and lhist.
	Value output.Value
	// Count and Total are how many values avg and stats saw, and their sum.
	Count uint64
	Total output.Int
	// Buckets are a hist's or lhist's non-empty buckets, in ascending order.
	Buckets []Bucket
}

// Bucket is one bucket of a histogram: the values from Min to Max (both
// included) were seen Count times. The buckets below and above the range
// of an lhist, and hist's bucket of negative values, run to
// math.MinInt64 or math.MaxInt64.
type Bucket struct {
	Min, Max int64
	Count    uint64
}

func mapsOf(data []*output.MapData) []Map {
	out := make([]Map, len(data))
	for i, d := range data {
		out[i] = mapOf(d)
	}
	return out
}

// mapOf decodes merged map data into Go values.
func mapOf(d *output.MapData) Map {
	info := d.Info
	m := Map{Name: info.Name, Kind: info.Agg.String(), KeyType: info.Key, ValueType: info.Value}
	m.Entries = make([]Entry, d.Len())
	for i := range m.Entries {
		e := d.Entry(i)
		out := &m.Entries[i]
		if info.Key != nil && e.Key != nil {
			out.Key = output.Decode(info.Key, e.Key)
		}
		num := output.Int{Bits: e.Num, Signed: info.Signed}
		switch info.Agg {
		case plan.AggNone:
			out.Value = output.Decode(info.Value, e.Value)
		case plan.AggCount:
			out.Value = output.U64(e.Num)
		case plan.AggSum, plan.AggMin, plan.AggMax:
			out.Value = num
		case plan.AggAvg, plan.AggStats:
			out.Count, out.Total = e.Count, output.Int{Bits: e.Total, Signed: info.Signed}
			out.Value = average(e.Count, out.Total)
		case plan.AggHist, plan.AggLhist:
			for b, n := range e.Buckets {
				if n == 0 {
					continue
				}
				lo, hi := bucketBounds(info, b)
				out.Buckets = append(out.Buckets, Bucket{Min: lo, Max: hi, Count: n})
			}
		}
	}
	return m
}

// average is the integer average sonde prints for avg and stats.
func average(count uint64, total output.Int) output.Int {
	if count == 0 {
		return output.Int{Signed: total.Signed}
	}
	if total.Signed {
		return output.I64(total.Int64() / int64(count))
	}
	return output.U64(total.Bits / count)
}

// bucketBounds is the range of values of bucket index i: the inverse of
// output.HistBucket and output.LhistBucket, which the BPF programs compute.
func bucketBounds(info *plan.MapInfo, i int) (lo, hi int64) {
	if info.Agg == plan.AggLhist {
		min, step := info.LhistMin, info.LhistStep
		last := output.LhistBucket(math.MaxInt64, min, info.LhistMax, step)
		switch {
		case i == 0:
			return math.MinInt64, min - 1
		case i >= last:
			return min + int64(last-1)*step, math.MaxInt64
		}
		return min + int64(i-1)*step, min + int64(i)*step - 1
	}
	k := uint(info.HistBits)
	n := uint64(1) << k
	switch {
	case i == 0:
		return math.MinInt64, -1
	case uint64(i) <= n:
		return int64(i - 1), int64(i - 1)
	}
	// Index j+1 for j >= n: power b = j>>k of the value's magnitude, and
	// the sub-bucket j&(n-1) within it (see output.HistBucket).
	j := uint64(i - 1)
	b := j >> k
	first := (n + j&(n-1)) << (b - 1)
	return int64(first), int64(first + 1<<(b-1) - 1)
}
