package ndjson_test

import (
	"os"

	"sonde/plan"
	"sonde/runtime/output"
	"sonde/runtime/output/ndjson"
	"sonde/types"
)

// A printf record: the payload after the 8-byte action id is laid out as
// Action.Args. The runtime formats it into a buffer and hands the bytes
// to the output as one event.
func Example_printf() {
	action := &plan.Action{
		Kind:   plan.ActPrintf,
		Format: "%-6d %s\n",
		Args:   types.TupleOf(types.Uint32, types.StringType(16)),
	}
	payload := append([]byte{0xd2, 0x04, 0, 0}, "bash\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)
	format := output.ParseFormat(action.Format) // once per action
	out := ndjson.New(os.Stdout, nil)
	out.Event(output.Event{Kind: output.KindPrintf, Text: format.AppendRaw(nil, action.Args, payload, nil)})
	// Output:
	// {"type": "printf", "data": "1234   bash\n"}
}
