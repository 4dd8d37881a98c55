package text_test

import (
	"encoding/binary"
	"os"

	"sonde/plan"
	"sonde/runtime/mapdata"
	"sonde/runtime/output/text"
	"sonde/types"
)

func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// The runtime reads @[pid] = count() from a per-CPU hash (keys and one
// value per CPU), merges it and prints it at exit.
func Example_map() {
	info := &plan.MapInfo{Name: "@", Agg: "count", Key: types.Uint32, Value: types.Uint64, PerCPU: true}
	keys := [][]byte{{0x39, 0x30, 0, 0}, {0x01, 0, 0, 0}}
	perCPU := [][][]byte{
		{u64(3), u64(4)}, // pid 12345: 3 on CPU 0, 4 on CPU 1
		{u64(10), u64(0)},
	}
	out := text.New(os.Stdout, os.Stderr, nil)
	out.Map(mapdata.MergeSlices(info, keys, perCPU), 0, 0)
	// Output:
	// @[12345]: 7
	// @[1]: 10
}
