package sonde

import (
	"encoding/binary"
	"reflect"
	"testing"

	"sonde/agg"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/types"
)

func u64s(vs ...uint64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	return b
}

func str16(s string) []byte { b := make([]byte, 16); copy(b, s); return b }

// Map data merged over CPUs decodes to Go values: keys with their types,
// aggregations as numbers, histograms as buckets with bounds.
func TestMapValues(t *testing.T) {
	comm := types.StringType(16)
	for _, c := range []struct {
		name   string
		info   *plan.MapInfo
		keys   [][]byte
		values [][][]byte // per CPU
		want   []Entry
	}{
		{"count by comm", &plan.MapInfo{Name: "@", Agg: "count", Key: comm, Value: types.Uint64, PerCPU: true},
			[][]byte{str16("bash"), str16("sshd")},
			[][][]byte{{u64s(2), u64s(3)}, {u64s(1), u64s(0)}},
			[]Entry{{Key: output.Str("sshd"), Value: output.U64(1)}, {Key: output.Str("bash"), Value: output.U64(5)}}},
		{"signed avg", &plan.MapInfo{Name: "@a", Agg: "avg", Key: types.Int64, Value: types.Int64, Signed: true, PerCPU: true},
			[][]byte{u64s(7)},
			[][][]byte{{u64s(2, uint64(neg(10))), u64s(1, uint64(neg(5)))}},
			[]Entry{{Key: output.I64(7), Value: output.I64(-5), Count: 3, Total: output.I64(-15)}}},
		{"plain values", &plan.MapInfo{Name: "@v", Key: types.Int64, Value: comm},
			[][]byte{u64s(1)},
			[][][]byte{{str16("hello")}},
			[]Entry{{Key: output.I64(1), Value: output.Str("hello")}}},
		{"keyless hist", &plan.MapInfo{Name: "@h", Agg: "hist", AggArgs: []int64{0}, Array: true, PerCPU: true, NumBuckets: agg.HistNumBuckets(0)},
			[][]byte{{7, 0, 0, 0}, {1, 0, 0, 0}},
			[][][]byte{{u64s(4), u64s(1)}, {u64s(0), u64s(2)}},
			[]Entry{{Buckets: []Bucket{{Min: 0, Max: 0, Count: 2}, {Min: 32, Max: 63, Count: 5}}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := mapOf(mapdata.MergeSlices(c.info, c.keys, c.values))
			if got.Name != c.info.Name || got.Kind != c.info.Agg {
				t.Errorf("map %q kind %q", got.Name, got.Kind)
			}
			if !reflect.DeepEqual(got.Entries, c.want) {
				t.Errorf("entries\n got %+v\nwant %+v", got.Entries, c.want)
			}
		})
	}
}

func neg(n int64) int64 { return -n }

// The event output hands each call on as one Event, maps as Go values.
func TestEventOutput(t *testing.T) {
	var got []Event
	o := &eventOutput{emit: func(e Event) { got = append(got, e) }}
	info := &plan.MapInfo{Name: "@", Agg: "count", Value: types.Uint64, Array: true, SetAt: 0}
	o.Event(output.Event{Kind: output.KindAttached, N: 2})
	o.Event(output.Event{Kind: output.KindPrintf, Text: []byte("hi\n")})
	o.Event(output.Event{Kind: output.KindWarnf, Text: []byte("careful"), Loc: output.SourceLoc{File: "x.sd", Line: 1, Col: 3}})
	o.Event(output.Event{Kind: output.KindEnd + 1, Text: []byte("a kind the front door does not know")})
	o.Event(output.Event{Kind: output.KindEnd})
	o.Map(mapdata.MergeSlices(info, [][]byte{{0, 0, 0, 0}}, [][][]byte{{u64s(3)}}), 0, 0)
	o.Map(mapdata.MergeSlices(info, nil, nil), 0, 0) // empty: nothing, as text prints nothing
	want := []Event{
		{Kind: EventAttached, Count: 2},
		{Kind: EventPrintf, Text: "hi\n"},
		{Kind: EventWarnf, Text: "careful", Loc: output.SourceLoc{File: "x.sd", Line: 1, Col: 3}},
		{Kind: EventEnd},
		{Kind: EventMap, Map: &Map{Name: "@", Kind: "count", ValueType: types.Uint64, Entries: []Entry{{Value: output.U64(3)}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events\n got %+v\nwant %+v", got, want)
	}
}
