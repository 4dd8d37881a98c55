package text_test

import (
	"testing"

	"sonde/agg"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
	"sonde/types"
)

func TestMapText(t *testing.T) {
	str16 := types.StringType(16)
	tup := types.TupleOf(str16, types.Int64)
	tupKey := func(s string, n int64) string { return string(cat(cstr(s, 16), le64(uint64(n)))) }
	avgInfo := &plan.MapInfo{Name: "@", Agg: "avg", Key: str16, Value: types.Int64, PerCPU: true}
	avg := func(vals map[string]uint64) *mapdata.Map {
		var keys [][]byte
		var cpus [][][]byte
		for k, v := range vals {
			keys = append(keys, cstr(k, 16))
			cpus = append(cpus, [][]byte{cat(le64(1), le64(v)), cat(le64(0), le64(0))})
		}
		return mapdata.MergeSlices(avgInfo, keys, cpus)
	}
	stats := mapdata.MergeSlices(&plan.MapInfo{Name: "@s", Agg: "stats", Value: types.Int64, Array: true, PerCPU: true, Signed: true},
		[][]byte{le32(0)}, [][][]byte{{cat(le64(2), le64(4)), cat(le64(1), le64(2))}})
	minInfo := &plan.MapInfo{Name: "@m", Agg: "min", Key: types.Int32, Value: types.Int64, PerCPU: true, Signed: true}
	min := mapdata.MergeSlices(minInfo, [][]byte{le32(1), le32(2)}, [][][]byte{
		{cat(le64(5), le64(1)), cat(le64(0), le64(0))},                       // only CPU 0 set: 5
		{cat(le64(uint64(1<<64-3)), le64(1)), cat(le64(uint64(7)), le64(1))}, // -3 and 7: -3
	})
	for _, c := range []struct {
		name      string
		m         *mapdata.Map
		top, div  int
		want      string
		wantJSON  string
		skipJSONs bool
	}{
		{name: "count by string", m: mapdatatest.Count("@", str16, map[string]uint64{
			string(cstr("bash", 16)): 5, string(cstr("sshd", 16)): 2, string(cstr("cron", 16)): 9}),
			want:     "@[sshd]: 2\n@[bash]: 5\n@[cron]: 9\n",
			wantJSON: `{"type": "map", "data": {"@": {"sshd": 2, "bash": 5, "cron": 9}}}` + "\n"},
		{name: "top and div", m: mapdatatest.Count("@x", types.Int64, map[string]uint64{
			string(le64(1)): 10, string(le64(2)): 30, string(le64(3)): 20}), top: 2, div: 10,
			want:     "@x[3]: 2\n@x[2]: 3\n",
			wantJSON: `{"type": "map", "data": {"@x": {"3": 2, "2": 3}}}` + "\n"},
		{name: "tuple keys", m: mapdatatest.Count("@x", tup, map[string]uint64{tupKey("bash", 2): 5, tupKey("a b", 1): 1}),
			want:     "@x[a b, 1]: 1\n@x[bash, 2]: 5\n",
			wantJSON: `{"type": "map", "data": {"@x": {"a b,1": 1, "bash,2": 5}}}` + "\n"},
		{name: "ties by key", m: mapdatatest.Count("@", types.Int64, map[string]uint64{
			string(le64(3)): 1, string(le64(1)): 1, string(le64(uint64(1<<64 - 1))): 1}),
			want: "@[-1]: 1\n@[1]: 1\n@[3]: 1\n"},
		// bpftrace's json-output print_avg_map_args: print(@, 2, 10).
		{name: "avg top div", m: avg(map[string]uint64{"a": 10, "b": 20, "c": 30, "d": 40}), top: 2, div: 10,
			want:     "@[c]: 3\n@[d]: 4\n",
			wantJSON: `{"type": "stats", "data": {"@": {"c": 3, "d": 4}}}` + "\n"},
		{name: "stats", m: stats,
			want:     "@s: { .count = 3, .average = 2, .total = 6 }\n",
			wantJSON: `{"type": "stats", "data": {"@s": {"count": 3, "average": 2, "total": 6}}}` + "\n"},
		{name: "min signed", m: min,
			want: "@m[1]: 5\n@m[2]: -3\n"}, // sorted unsigned, as bpftrace does
		{name: "empty", m: mapdatatest.Count("@", types.Int64, nil), want: "", wantJSON: ""},
	} {
		if got := textOf(c.m, c.top, c.div); got != c.want {
			t.Errorf("%s: text\n got %q\nwant %q", c.name, got, c.want)
		}
		if c.wantJSON != "" || c.want == "" {
			if got := jsonOf(c.m, c.top, c.div); got != c.wantJSON {
				t.Errorf("%s: json\n got %s\nwant %s", c.name, got, c.wantJSON)
			}
		}
	}
}

func TestKeyedHist(t *testing.T) {
	info := &plan.MapInfo{Name: "@", Agg: "hist", Key: types.StringType(8), PerCPU: true,
		NumBuckets: agg.HistNumBuckets(0)}
	var keys [][]byte
	var vals [][][]byte
	add := func(k string, v int64) {
		keys = append(keys, cat(cstr(k, 8), le64(uint64(agg.HistBucket(v, 0)))))
		vals = append(vals, [][]byte{le64(1), le64(0)})
	}
	add("bpftrace", 2) // fills the capacity: truncated
	add("curl", -1)
	add("curl", 0)
	add("curl", 511)
	m := mapdata.MergeSlices(info, keys, vals)
	want := "@[bpftrace..]:\n" +
		"[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n" +
		"@[curl]:\n" +
		"(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" +
		"[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" +
		"[1]                    0 |                                                    |\n" +
		"[2, 4)                 0 |                                                    |\n" +
		"[4, 8)                 0 |                                                    |\n" +
		"[8, 16)                0 |                                                    |\n" +
		"[16, 32)               0 |                                                    |\n" +
		"[32, 64)               0 |                                                    |\n" +
		"[64, 128)              0 |                                                    |\n" +
		"[128, 256)             0 |                                                    |\n" +
		"[256, 512)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n"
	if got := textOf(m, 0, 0); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// print(@, 1) keeps the key with the largest total.
	if got := jsonOf(m, 1, 0); got != `{"type": "hist", "data": {"@": {"curl": [{"max": -1, "count": 1},{"min": 0, "max": 0, "count": 1},{"min": 1, "max": 1, "count": 0},{"min": 2, "max": 3, "count": 0},{"min": 4, "max": 7, "count": 0},{"min": 8, "max": 15, "count": 0},{"min": 16, "max": 31, "count": 0},{"min": 32, "max": 63, "count": 0},{"min": 64, "max": 127, "count": 0},{"min": 128, "max": 255, "count": 0},{"min": 256, "max": 511, "count": 1}]}}}`+"\n" {
		t.Errorf("json top 1: %s", got)
	}
}

func TestPlainValueMaps(t *testing.T) {
	ints := &plan.MapInfo{Name: "@v", Key: types.StringType(4), Value: types.Int64}
	m := mapdata.MergeSlices(ints, [][]byte{cstr("a", 4), cstr("b", 4), cstr("c", 4)},
		[][][]byte{{le64(5)}, {le64(1<<64 - 2)}, {le64(0)}})
	if got, want := textOf(m, 0, 0), "@v[b]: -2\n@v[c]: 0\n@v[a]: 5\n"; got != want {
		t.Errorf("int values: got %q, want %q", got, want)
	}
	strs := &plan.MapInfo{Name: "@s", Key: types.Int32, Value: types.StringType(8)}
	m = mapdata.MergeSlices(strs, [][]byte{le32(3), le32(0xffffffff), le32(1)},
		[][][]byte{{cstr("x", 8)}, {cstr("y y", 8)}, {cstr("z", 8)}})
	if got, want := textOf(m, 0, 0), "@s[-1]: y y\n@s[1]: z\n@s[3]: x\n"; got != want {
		t.Errorf("string values: got %q, want %q", got, want)
	}
	if got, want := jsonOf(m, 0, 0), `{"type": "map", "data": {"@s": {"-1": "y y", "1": "z", "3": "x"}}}`+"\n"; got != want {
		t.Errorf("string values json: got %s", got)
	}
}
