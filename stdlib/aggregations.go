package stdlib

import (
	"maps"
	"slices"
)

// Aggregations are declared here with their signatures, docs and examples.
// Their lowering is not a call but an update of a per-CPU map value, so it
// lives with the map operations in the compiler (compiler/mapops.go), and
// their printing with the map printer (runtime/output).

// Aggregation is a map-value function such as count() or hist().
type Aggregation struct {
	Name     string
	Doc      string
	Example  string
	Min, Max int // argument count bounds; arguments after the first are integer literals
}

var aggregations = map[string]*Aggregation{}

func init() {
	for _, a := range []*Aggregation{
		{Name: "count", Min: 0, Max: 0, Doc: "count events",
			Example: `tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }`},
		{Name: "sum", Min: 1, Max: 1, Doc: "sum of the values",
			Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @[pid] = sum(args.ret); }`},
		{Name: "avg", Min: 1, Max: 1, Doc: "average of the values (integer)",
			Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = avg(args.ret); }`},
		{Name: "min", Min: 1, Max: 1, Doc: "smallest value",
			Example: `tracepoint:syscalls:sys_exit_read { @ = min(args.ret); }`},
		{Name: "max", Min: 1, Max: 1, Doc: "largest value",
			Example: `tracepoint:syscalls:sys_exit_read { @ = max(args.ret); }`},
		{Name: "stats", Min: 1, Max: 1, Doc: "count, average and total of the values",
			Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = stats(args.ret); }`},
		{Name: "hist", Min: 1, Max: 2, Doc: "hist(n [, bits]): power-of-two histogram; bits (0-5) splits each power of two",
			Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = hist(args.ret); @fine = hist(args.ret, 2); }`},
		{Name: "lhist", Min: 4, Max: 4, Doc: "lhist(n, min, max, step): linear histogram",
			Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = lhist(args.ret, 0, 1000, 100); }`},
	} {
		aggregations[a.Name] = a
	}
}

// LookupAggregation returns the aggregation called name.
func LookupAggregation(name string) (*Aggregation, bool) {
	a, ok := aggregations[name]
	return a, ok
}

// AggregationNames lists the aggregations, sorted.
func AggregationNames() []string { return slices.Sorted(maps.Keys(aggregations)) }
