package output

import (
	"sonde/plan"

	"bufio"
	"io"
	"testing"

	"sonde/types"
)

// countMapInput is what the runtime reads for @[u64] = count() with
// n keys on 2 CPUs.
func countMapInput(n int) (*plan.MapInfo, [][]byte, [][][]byte) {
	info := &plan.MapInfo{Name: "@", Agg: plan.AggCount, Key: types.Uint64, Value: types.Uint64, PerCPU: true}
	keys := make([][]byte, n)
	vals := make([][][]byte, n)
	for i := range keys {
		k := uint64(i*2654435761) % 1000003
		keys[i] = le64(k)
		vals[i] = [][]byte{le64(k % 977), le64(uint64(i % 13))}
	}
	return info, keys, vals
}

func BenchmarkCountMap100k(b *testing.B) {
	info, keys, vals := countMapInput(100000)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	out := NewText(w, io.Discard, nil)
	b.ResetTimer()
	for b.Loop() {
		m := MergeMap(info, keys, vals)
		out.Map(m, 0, 0)
		w.Flush()
	}
}

func BenchmarkCountMap100kJSON(b *testing.B) {
	info, keys, vals := countMapInput(100000)
	out := NewJSON(io.Discard, nil)
	b.ResetTimer()
	for b.Loop() {
		out.Map(MergeMap(info, keys, vals), 0, 0)
	}
}

func BenchmarkHist(b *testing.B) {
	m := histOf("@", 0, 1, 5, 100, 3000, 70000, 1<<30)
	out := NewText(io.Discard, io.Discard, nil)
	for b.Loop() {
		out.Map(m, 0, 0)
	}
}

func BenchmarkSprintf(b *testing.B) {
	f := ParseFormat("%-16s %6d %08x %s\n")
	args := []Value{Str("bash"), I64(1234), U64(0xbeef), Str("/etc/passwd")}
	var buf []byte
	for b.Loop() {
		buf = f.Append(buf[:0], args, nil)
	}
}

func BenchmarkMerge100k(b *testing.B) {
	info, keys, vals := countMapInput(100000)
	for b.Loop() {
		MergeMap(info, keys, vals)
	}
}

func BenchmarkFormat100k(b *testing.B) {
	info, keys, vals := countMapInput(100000)
	m := MergeMap(info, keys, vals)
	out := NewText(io.Discard, io.Discard, nil)
	for b.Loop() {
		out.Map(m, 0, 0)
	}
}

// countMapRaw is countMapInput as the runtime reads it: flat buffers.
func countMapRaw(n int) (*plan.MapInfo, *RawMap) {
	info, keys, vals := countMapInput(n)
	raw := &RawMap{N: n, KeySize: 8, ValueSize: 8, Stride: 8, CPUs: 2}
	for i := range keys {
		raw.Keys = append(raw.Keys, keys[i]...)
		raw.Values = append(raw.Values, vals[i][0]...)
		raw.Values = append(raw.Values, vals[i][1]...)
	}
	return info, raw
}

// BenchmarkPrintRaw100k is the runtime's exit-time path for a 100k-key
// count map: merge, sort and format through a buffered writer.
func BenchmarkPrintRaw100k(b *testing.B) {
	info, raw := countMapRaw(100000)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	out := NewText(w, io.Discard, nil)
	for b.Loop() {
		out.Map(MergeRaw(info, raw), 0, 0)
		w.Flush()
	}
}

func BenchmarkPrintRaw100kJSON(b *testing.B) {
	info, raw := countMapRaw(100000)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	out := NewJSON(w, nil)
	for b.Loop() {
		out.Map(MergeRaw(info, raw), 0, 0)
		w.Flush()
	}
}
