package main

import (
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"sonde/picture"
	"sonde/picture/flame"
	"sonde/picture/report"
	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/runtime/output/text"
)

// The pictures of a 100,000-stack @[ustack] = count() map as sonde makes
// them at exit: each op reads the map (MergeMap), symbolizes its stacks
// through usym (warm, as after a run) and writes one picture. peak-MB is
// the largest heap seen during an op.

func BenchmarkFolded100k(b *testing.B) {
	benchPicture(b, func(m *mapdata.Map, env *output.Env) error {
		f := picture.NewFolded(io.Discard, io.Discard, env, &plan.Plan{Maps: []*plan.MapInfo{m.Info}})
		f.Map(m, 0, 0)
		return f.Flush()
	})
}

func BenchmarkFlamegraph100k(b *testing.B) {
	benchPicture(b, func(m *mapdata.Map, env *output.Env) error {
		return flame.WriteSVG(io.Discard, picture.NewStacks(env).Profile(m, 0, 0), flame.Options{})
	})
}

func BenchmarkReport100k(b *testing.B) {
	benchPicture(b, func(m *mapdata.Map, env *output.Env) error {
		rec := picture.NewRecorder(text.New(io.Discard, io.Discard, env), env, false, true)
		rec.Map(m, 0, 0) // the text dump at exit, then the report's copy
		return report.Write(io.Discard, rec.BuildReport(picture.Facts{Script: "profile:hz:99 { @[ustack] = count(); }"}))
	})
}

func benchPicture(b *testing.B, draw func(*mapdata.Map, *output.Env) error) {
	info, keys, values, env := ustackMap(b, 100000)
	if err := draw(mapdata.MergeSlices(info, keys, values), env); err != nil { // warm the symbol cache
		b.Fatal(err)
	}
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
		}
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	b.ResetTimer()
	for b.Loop() {
		if err := draw(mapdata.MergeSlices(info, keys, values), env); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapAlloc))/(1<<20), "peak-MB")
}
