package agg

// Min keeps the smallest value: per CPU {value, set}, where set says the
// CPU saw a value.
var Min = &Aggregation{
	Name:    "min",
	Doc:     "smallest value",
	Example: `tracepoint:syscalls:sys_exit_read { @ = min(args.ret); }`,
	Min:     1, Max: 1,

	Size:   16,
	Update: func(g Gen) { g.Keep(0, 8, false) },
	Read:   func(r Reader) { r.Keep(0, 8, false) },

	Merge: func(v CPUValues, m *Merged, signed bool) uint64 {
		return keep(v, m, signed, false)
	},
	Print:    printNum,
	JSONType: "map",
	Number:   FieldNum,
	Metric:   Metric{Type: Gauge, Value: FieldNum},
}
