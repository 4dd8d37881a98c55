package agg

import (
	"strconv"

	"sonde/internal/jsonenc"
)

// Stats keeps the count, average and total of the values: per CPU
// {count, total}, as avg.
var Stats = &Aggregation{
	Name:    "stats",
	Doc:     "count, average and total of the values",
	Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = stats(args.ret); }`,
	Min:     1, Max: 1,

	Size:   16,
	Update: func(g Gen) { g.Add(0, true); g.Add(8, false) },

	Merge:    mergeCountTotal,
	Print:    printStats,
	JSONType: "stats",
	Number:   FieldCount,
	Parts:    []Part{{"count", FieldCount}, {"average", FieldAverage}, {"total", FieldTotal}},
	Metric:   Metric{Type: Summary, Count: FieldCount, Sum: FieldTotal},
}

// printStats prints { .count = 3, .average = 2, .total = 6 }, or in JSON
// {"count": 3, "average": 2, "total": 6}; div divides the average only.
func printStats(dst []byte, m *Merged, p Params, div uint64, json bool) []byte {
	avg := divide(average(m, p.Signed), div, p.Signed)
	if json {
		dst = append(dst, `{"count": `...)
		dst = jsonenc.AppendInt(dst, m.Count, false)
		dst = append(dst, `, "average": `...)
		dst = jsonenc.AppendInt(dst, avg, p.Signed)
		dst = append(dst, `, "total": `...)
		dst = jsonenc.AppendInt(dst, m.Total, p.Signed)
		return append(dst, '}')
	}
	dst = append(dst, "{ .count = "...)
	dst = strconv.AppendUint(dst, m.Count, 10)
	dst = append(dst, ", .average = "...)
	dst = appendNum(dst, avg, p.Signed, false)
	dst = append(dst, ", .total = "...)
	dst = appendNum(dst, m.Total, p.Signed, false)
	return append(dst, " }"...)
}
