package mapdata_test

import (
	"testing"

	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
)

func BenchmarkMerge100k(b *testing.B) {
	info, keys, vals := mapdatatest.CountInput(100000)
	for b.Loop() {
		mapdata.MergeSlices(info, keys, vals)
	}
}
