package agg

// Max keeps the largest value: per CPU {value, set}, where set says the
// CPU saw a value.
var Max = &Aggregation{
	Name:    "max",
	Doc:     "largest value",
	Example: `tracepoint:syscalls:sys_exit_read { @ = max(args.ret); }`,
	Min:     1, Max: 1,

	Size:   16,
	Update: func(g Gen) { g.Keep(0, 8, true) },
	Read:   func(r Reader) { r.Keep(0, 8, true) },

	Merge: func(v CPUValues, m *Merged, signed bool) uint64 {
		return keep(v, m, signed, true)
	},
	Print:    printNum,
	JSONType: "map",
	Number:   FieldNum,
	Metric:   Metric{Type: Gauge, Value: FieldNum},
}
