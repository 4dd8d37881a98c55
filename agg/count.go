package agg

// Count counts events: a u64 per CPU, summed.
var Count = &Aggregation{
	Name:    "count",
	Doc:     "count events",
	Example: `tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }`,
	Min:     0, Max: 0,

	Size:     8,
	Update:   func(g Gen) { g.Add(0, true) },
	Read:     func(r Reader) { r.Sum(0) },
	Additive: true,

	Merge: func(v CPUValues, m *Merged, signed bool) uint64 {
		m.Num = v.Sum(0) // a count is never signed: signed is false
		return signedOrder(m.Num, signed)
	},
	Print:    printNum,
	JSONType: "map",
	Number:   FieldNum,
	Metric:   Metric{Type: Counter, Value: FieldNum},
}
