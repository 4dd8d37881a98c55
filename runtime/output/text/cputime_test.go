package text_test

import (
	"io"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
	"sonde/runtime/output/text"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCountMapCPU reports the CPU time (all threads, GC included) to merge
// and print a 100k-key count map; wall time is unreliable on a busy box.
// Run with SONDE_BENCH=1.
func TestCountMapCPU(t *testing.T) {
	if os.Getenv("SONDE_BENCH") == "" {
		t.Skip("set SONDE_BENCH=1")
	}
	info, keys, vals := mapdatatest.CountInput(100000)
	out := text.New(io.Discard, io.Discard, nil)
	const n = 40
	start, wall := cpuTime(), time.Now()
	for range n {
		out.Map(mapdata.MergeSlices(info, keys, vals), 0, 0)
	}
	t.Logf("merge+print 100k keys: %v CPU/op, %v wall/op", (cpuTime()-start)/n, time.Since(wall)/n)
}

// TestCalibrateCPU times a fixed workload (sorting 1M uint64s, about 70 ms
// on a 3 GHz core) to judge how fast this machine is.
func TestCalibrateCPU(t *testing.T) {
	if os.Getenv("SONDE_BENCH") == "" {
		t.Skip("set SONDE_BENCH=1")
	}
	xs := make([]uint64, 1<<20)
	for i := range xs {
		xs[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	start := cpuTime()
	slices.Sort(xs)
	t.Logf("sorting 1M uint64: %v CPU", cpuTime()-start)
}
