package output_test

import (
	"sonde/plan"

	"encoding/binary"
	"os"

	"sonde/runtime/output"
	"sonde/types"
)

func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// The runtime reads @[pid] = count() from a per-CPU hash (keys and one
// value per CPU), merges it and prints it at exit.
func Example_map() {
	info := &plan.MapInfo{Name: "@", Agg: plan.AggCount, Key: types.Uint32, Value: types.Uint64, PerCPU: true}
	keys := [][]byte{{0x39, 0x30, 0, 0}, {0x01, 0, 0, 0}}
	perCPU := [][][]byte{
		{u64(3), u64(4)}, // pid 12345: 3 on CPU 0, 4 on CPU 1
		{u64(10), u64(0)},
	}
	out := output.NewText(os.Stdout, os.Stderr, nil)
	out.Map(output.MergeMap(info, keys, perCPU), 0, 0)
	// Output:
	// @[12345]: 7
	// @[1]: 10
}

// A printf record: the payload after the 8-byte action id is laid out as
// Action.Args.
func Example_printf() {
	action := &plan.Action{
		Kind:   plan.ActPrintf,
		Format: "%-6d %s\n",
		Args:   types.TupleOf(types.Uint32, types.StringType(16)),
	}
	payload := append([]byte{0xd2, 0x04, 0, 0}, "bash\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)
	format := output.ParseFormat(action.Format) // once per action
	out := output.NewJSON(os.Stdout, nil)
	out.Printf(string(format.Append(nil, output.DecodeArgs(action.Args, payload), nil)))
	// Output:
	// {"type": "printf", "data": "1234   bash\n"}
}
