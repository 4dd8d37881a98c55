package text_test

import (
	"bufio"
	"io"
	"testing"

	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
	"sonde/runtime/output"
	"sonde/runtime/output/ndjson"
	"sonde/runtime/output/text"
	"sonde/types"
)

func BenchmarkCountMap100k(b *testing.B) {
	info, keys, vals := mapdatatest.CountInput(100000)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	out := text.New(w, io.Discard, nil)
	b.ResetTimer()
	for b.Loop() {
		m := mapdata.MergeSlices(info, keys, vals)
		out.Map(m, 0, 0)
		w.Flush()
	}
}

func BenchmarkCountMap100kJSON(b *testing.B) {
	info, keys, vals := mapdatatest.CountInput(100000)
	out := ndjson.New(io.Discard, nil)
	b.ResetTimer()
	for b.Loop() {
		out.Map(mapdata.MergeSlices(info, keys, vals), 0, 0)
	}
}

func BenchmarkHist(b *testing.B) {
	m := mapdatatest.Hist("@", 0, 1, 5, 100, 3000, 70000, 1<<30)
	out := text.New(io.Discard, io.Discard, nil)
	for b.Loop() {
		out.Map(m, 0, 0)
	}
}

func BenchmarkFormat100k(b *testing.B) {
	info, keys, vals := mapdatatest.CountInput(100000)
	m := mapdata.MergeSlices(info, keys, vals)
	out := text.New(io.Discard, io.Discard, nil)
	for b.Loop() {
		out.Map(m, 0, 0)
	}
}

// BenchmarkPrintRaw100k is the runtime's exit-time path for a 100k-key
// count map: merge, sort and format through a buffered writer.
func BenchmarkPrintRaw100k(b *testing.B) {
	info, raw := mapdatatest.CountRaw(100000)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	out := text.New(w, io.Discard, nil)
	for b.Loop() {
		out.Map(mapdata.Merge(info, raw), 0, 0)
		w.Flush()
	}
}

func BenchmarkPrintRaw100kJSON(b *testing.B) {
	info, raw := mapdatatest.CountRaw(100000)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	out := ndjson.New(w, nil)
	for b.Loop() {
		out.Map(mapdata.Merge(info, raw), 0, 0)
		w.Flush()
	}
}

// BenchmarkPrintfEvent is the runtime's printf path: format straight from
// the ring record, then one event to the text output.
func BenchmarkPrintfEvent(b *testing.B) {
	f := output.ParseFormat("%-16s %6d\n")
	args := types.TupleOf(types.StringType(16), types.Int64)
	payload := append(mapdatatest.CStr("bash", 16), mapdatatest.LE64(1234)...)
	w := bufio.NewWriterSize(io.Discard, 64<<10)
	out := text.New(w, io.Discard, nil)
	var buf []byte
	for b.Loop() {
		buf = f.AppendRaw(buf[:0], args, payload, nil)
		out.Event(output.Event{Kind: output.KindPrintf, Text: buf})
	}
}
