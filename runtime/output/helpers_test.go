package output

import (
	"sonde/plan"

	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"sonde/types"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden compares got with testdata/name.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s mismatch\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func cstr(s string, size int) []byte {
	b := make([]byte, size)
	copy(b, s)
	return b
}

// histOf fills a keyless hist map from values, spread over two CPUs.
func histOf(name string, k int, vals ...int64) *MapData {
	info := &plan.MapInfo{Name: name, Agg: plan.AggHist, HistBits: k, Array: true, PerCPU: true,
		NumBuckets: HistNumBuckets(k)}
	counts := make([]uint64, info.NumBuckets)
	for _, v := range vals {
		counts[HistBucket(v, k)]++
	}
	return arrayHist(info, counts)
}

func lhistOf(name string, min, max, step int64, vals ...int64) *MapData {
	info := &plan.MapInfo{Name: name, Agg: plan.AggLhist, Array: true, PerCPU: true,
		LhistMin: min, LhistMax: max, LhistStep: step, NumBuckets: LhistNumBuckets(min, max, step)}
	counts := make([]uint64, info.NumBuckets)
	for _, v := range vals {
		counts[LhistBucket(v, min, max, step)]++
	}
	return arrayHist(info, counts)
}

func arrayHist(info *plan.MapInfo, counts []uint64) *MapData {
	var keys [][]byte
	var vals [][][]byte
	for i, c := range counts {
		keys = append(keys, le32(uint32(i)))
		// Split each count over two CPUs to exercise merging.
		vals = append(vals, [][]byte{le64(c / 2), le64(c - c/2)})
	}
	return MergeMap(info, keys, vals)
}

// countMap builds a keyed count map from key bytes and per-key counts.
func countMap(name string, key *types.Type, entries map[string]uint64) *MapData {
	info := &plan.MapInfo{Name: name, Agg: plan.AggCount, Key: key, Value: types.Uint64, PerCPU: true}
	var keys [][]byte
	var vals [][][]byte
	for k, c := range entries {
		keys = append(keys, []byte(k))
		vals = append(vals, [][]byte{le64(c), le64(0)})
	}
	return MergeMap(info, keys, vals)
}
