package agg

// Sum adds the values up: a u64 (or s64) per CPU, summed.
var Sum = &Aggregation{
	Name:    "sum",
	Doc:     "sum of the values",
	Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @[pid] = sum(args.ret); }`,
	Min:     1, Max: 1,

	Size:     8,
	Update:   func(g Gen) { g.Add(0, false) },
	Read:     func(r Reader) { r.Sum(0) },
	Additive: true,

	Merge: func(v CPUValues, m *Merged, signed bool) uint64 {
		m.Num = v.Sum(0)
		return signedOrder(m.Num, signed)
	},
	Print:    printNum,
	JSONType: "map",
	// A sum of byte counts or durations only grows; a script summing
	// negative values is still best read as a counter's rate.
	Number: FieldNum,
	Metric: Metric{Type: Counter, Value: FieldNum},
}
