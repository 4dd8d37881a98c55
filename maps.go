package sonde

import (
	"math"

	"sonde/agg"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/types"
)

// Map is a user map's contents as Go values.
//
// It is a view of the runtime's merged map data (mapdata.Map: per-CPU
// values merged, entries in print order), decoded with output.Decode and
// the aggregation's catalogue entry (package agg).
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

func mapsOf(data []*mapdata.Map) []Map {
	out := make([]Map, len(data))
	for i, d := range data {
		out[i] = mapOf(d)
	}
	return out
}

// mapOf decodes merged map data into Go values.
func mapOf(d *mapdata.Map) Map {
	info := d.Info
	m := Map{Name: info.Name, Kind: info.Agg, KeyType: info.Key, ValueType: info.Value}
	m.Entries = make([]Entry, d.Len())
	var e mapdata.Entry
	for i := range m.Entries {
		d.Entry(i, &e)
		out := &m.Entries[i]
		if info.Key != nil && e.Key != nil {
			out.Key = output.Decode(info.Key, e.Key)
		}
		a := d.Agg
		switch {
		case a == nil:
			out.Value = output.Decode(info.Value, e.Value)
		case a.Bucketed():
			for _, r := range a.Rows(&e.Merged, d.Params, 1) {
				if r.Count == 0 {
					continue
				}
				hi := r.High
				if hi != math.MaxInt64 {
					hi-- // Rows' High is exclusive; Bucket's Max is not
				}
				out.Buckets = append(out.Buckets, Bucket{Min: r.Low, Max: hi, Count: r.Count})
			}
		case a.Metric.Type == agg.Summary:
			// avg and stats: how many values, their sum and average.
			n, signed := agg.FieldAverage.Int(&e.Merged, info.Signed)
			out.Count, out.Total = e.Count, output.Int{Bits: e.Total, Signed: info.Signed}
			out.Value = output.Int{Bits: n, Signed: signed}
		default:
			n, signed := a.Number.Int(&e.Merged, info.Signed)
			out.Value = output.Int{Bits: n, Signed: signed}
		}
	}
	return m
}
