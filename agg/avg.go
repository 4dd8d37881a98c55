package agg

// Avg averages the values: per CPU {count, total}, printed as the integer
// total / count over all CPUs.
var Avg = &Aggregation{
	Name:    "avg",
	Doc:     "average of the values (integer)",
	Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = avg(args.ret); }`,
	Min:     1, Max: 1,

	Size:   16,
	Update: func(g Gen) { g.Add(0, true); g.Add(8, false) },
	Read:   func(r Reader) { r.Average(0, 8) },

	Merge: mergeCountTotal,
	Print: func(dst []byte, m *Merged, p Params, div uint64, json bool) []byte {
		return appendNum(dst, divide(average(m, p.Signed), div, p.Signed), p.Signed, json)
	},
	// bpftrace's JSON calls both avg and stats maps "stats".
	JSONType: "stats",
	Number:   FieldAverage,
	Metric:   Metric{Type: Summary, Count: FieldCount, Sum: FieldTotal},
}

// mergeCountTotal sums avg's and stats' {count, total}; they sort by their
// average.
func mergeCountTotal(v CPUValues, m *Merged, signed bool) uint64 {
	m.Count, m.Total = v.Sum(0), v.Sum(8)
	return signedOrder(average(m, signed), signed)
}
