// Package agg is sonde's catalogue of aggregations, one file each: count,
// sum, min, max, avg, stats, hist, lhist. An entry says everything about its
// aggregation: name, doc, example and signature; the literal parameters it
// takes; its per-CPU value layout; its in-kernel update and read, written
// against Gen and Reader, which the compiler implements; how the per-CPU
// values merge in user space; how the merged value prints as text and JSON;
// and how it reads as a metric.
//
// The package knows no compiler, plan, kernel or cilium/ebpf, so every side
// reads the same entries: lang (names only: a bare count() is an
// aggregation statement), the compiler, the map reader (runtime/mapdata) and
// the output formats. A compiled plan names a map's aggregation
// (plan.MapInfo.Agg) and Lookup resolves the name.
//
// Adding an aggregation is its own file plus its line in catalogue.
package agg

import "strings"

// catalogue is every aggregation, in the order documentation and messages
// list them.
var catalogue = []*Aggregation{Count, Sum, Avg, Min, Max, Stats, Hist, Lhist}

var byName = func() map[string]*Aggregation {
	m := make(map[string]*Aggregation, len(catalogue))
	for _, a := range catalogue {
		if m[a.Name] != nil {
			panic("agg: duplicate aggregation " + a.Name)
		}
		m[a.Name] = a
	}
	return m
}()

// Lookup returns the aggregation called name.
func Lookup(name string) (*Aggregation, bool) {
	a, ok := byName[name]
	return a, ok
}

// All lists the aggregations in catalogue order.
func All() []*Aggregation { return append([]*Aggregation(nil), catalogue...) }

// Names lists the aggregations' names in catalogue order.
func Names() []string {
	names := make([]string, len(catalogue))
	for i, a := range catalogue {
		names[i] = a.Name
	}
	return names
}

// List joins names as prose: "a, b and c" (last "and"), or "a, b, c" when
// last is "".
func List(names []string, last string) string {
	if last == "" || len(names) < 2 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + last + " " + names[len(names)-1]
}

// Aggregation is one entry of the catalogue: a map-value function such as
// count() or hist(). The map it fills is per-CPU: each CPU updates its own
// copy of the value, merged when the map is read.
type Aggregation struct {
	Name    string
	Doc     string
	Example string // a whole script using it; the compiler's tests compile every one

	// Min and Max bound the argument count. The first argument is the
	// integer value aggregated; those after it are integer literals, the
	// aggregation's parameters.
	Min, Max int
	// Params checks the parameters as written and returns them as the map
	// keeps them (plan.MapInfo.AggArgs), defaults filled in; an error is an
	// *ArgError. Nil: no parameters.
	Params func(args []int64) ([]int64, error)

	// Size is the byte size of one CPU's value.
	Size int
	// Buckets, when set, makes the aggregation bucketed: the map key ends
	// in a u64 bucket index (a keyless map is an array indexed by bucket)
	// of Buckets(params) buckets, and each bucket's value is a u64 count.
	Buckets func(params []int64) int
	// Bucket turns the value into the bucket index (bucketed only).
	Bucket func(g Gen, params []int64)
	// Update changes this CPU's value by the value aggregated.
	Update func(g Gen)
	// Read merges one key's per-CPU values in the kernel, for a read in a
	// probe (`@c > 10`, `for`). Nil: the map cannot be read in a probe.
	Read func(r Reader)
	// Additive aggregations keep one u64 sum at offset 0 that `@m += n` and
	// `@m -= n` may add to; their Merge is that sum over the CPUs (sorted
	// as signed when the values are), which the map reader inlines.
	Additive bool

	// Merge reduces one key's per-CPU values into m and returns the key's
	// place in print order (smallest first, compared unsigned: signed orders
	// have their sign bit flipped). Bucketed aggregations have none: their
	// buckets' counts are summed, and keys sort by their total count.
	Merge func(v CPUValues, m *Merged, signed bool) (order uint64)
	// Print appends the merged value as bpftrace prints it: as text, or as
	// JSON when json is set. div (at least 1) is print()'s divisor.
	Print func(dst []byte, m *Merged, p Params, div uint64, json bool) []byte
	// Block values print as text on lines of their own after "@m[k]:",
	// followed by a blank line (histograms), instead of after "@m[k]: ".
	Block bool
	// JSONType is the "type" of the JSON record of a map holding it.
	JSONType string
	// Rows, for bucketed aggregations, are the merged value's buckets as
	// printed, with their bounds.
	Rows func(m *Merged, p Params, div uint64) []Row

	// Number is the one number that stands for a value (a flame graph's
	// count, a sort key in a picture): the value, avg's average, stats'
	// count, a histogram's total count.
	Number Field
	// Parts are the numbers a table shows for a value, nil for one
	// column: Number, headed by the aggregation's name.
	Parts []Part

	// Metric says how a map of it reads as a metric.
	Metric Metric
}

// Part is one number of a value, as a table column shows it.
type Part struct {
	Name  string
	Field Field
}

func (a *Aggregation) String() string { return a.Name }

// Bucketed reports whether the map key carries a bucket index.
func (a *Aggregation) Bucketed() bool { return a.Buckets != nil }

// Params is what one map's aggregation was given: its parameters (after
// Aggregation.Params) and whether the aggregated values are signed.
type Params struct {
	Args   []int64
	Signed bool
}

// Arg returns parameter i, 0 when absent.
func (p Params) Arg(i int) int64 {
	if i < len(p.Args) {
		return p.Args[i]
	}
	return 0
}

// ArgError is a parameter Params rejects. Arg is the index of the call's
// argument at fault, or -1 for the call as a whole.
type ArgError struct {
	Arg int
	Msg string
}

func (e *ArgError) Error() string { return e.Msg }

// Gen is what an aggregation's in-kernel update sees of the code generator,
// which implements it. The value aggregated (the first argument) is in a
// register; offsets are bytes into this CPU's value. The generator runs
// Update twice: on the value in the map when the key exists, and on a fresh
// zeroed value inserted for a new key (where Add and Keep become stores).
type Gen interface {
	// Add adds the value, or 1 when one, to the u64 at off.
	Add(off int, one bool)
	// Keep stores the value into the u64 at off when the u64 at set is 0
	// or when the value is smaller (largest: larger) than the one there,
	// compared signed when the map's values are; then sets set to 1.
	Keep(off, set int, largest bool)
	// Log2Bucket replaces the value by its hist(_, bits) bucket index.
	Log2Bucket(bits int)
	// LinearBucket replaces the value by its lhist(_, min, max, step)
	// bucket index, buckets in all.
	LinearBucket(min, max, step int64, buckets int)
}

// Reader is what an aggregation's in-kernel read sees of the code
// generator: it merges one key's values over the CPUs into one integer.
// Read calls one of its methods.
type Reader interface {
	// Sum adds the u64s at off.
	Sum(off int)
	// Average divides the sum of the u64s at total by the sum of those at
	// count (0 when the count is 0), signed when the values are.
	Average(count, total int)
	// Keep takes the smallest (largest) u64 at off among the CPUs whose u64
	// at set is not 0.
	Keep(off, set int, largest bool)
}
