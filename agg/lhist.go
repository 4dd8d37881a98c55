package agg

import (
	"fmt"
	"strconv"
)

// Lhist is a linear histogram: underflow, (max-min)/step buckets and
// overflow. As with hist, the bucket is part of the map key.
var Lhist = &Aggregation{
	Name:    "lhist",
	Doc:     "lhist(n, min, max, step): linear histogram",
	Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = lhist(args.ret, 0, 1000, 100); }`,
	Min:     4, Max: 4,
	Params: func(args []int64) ([]int64, error) {
		lo, hi, st := args[0], args[1], args[2]
		switch {
		case lo < 0 || hi < 0 || st <= 0:
			return nil, &ArgError{Arg: -1, Msg: "lhist() min, max and step must be non-negative, and step positive"}
		case lo >= hi:
			return nil, &ArgError{Arg: -1, Msg: "lhist() min must be less than max"}
		case (hi-lo)/st > 1000:
			return nil, &ArgError{Arg: -1, Msg: fmt.Sprintf("lhist() would have %d buckets; the limit is 1000", (hi-lo)/st)}
		}
		return args, nil
	},

	Size: 8,
	Buckets: func(p []int64) int {
		lo, hi, st := lhistArgs(Params{Args: p})
		if st <= 0 {
			return 0
		}
		return LhistNumBuckets(lo, hi, st)
	},
	Bucket: func(g Gen, p []int64) {
		lo, hi, st := lhistArgs(Params{Args: p})
		g.LinearBucket(lo, hi, st, LhistNumBuckets(lo, hi, st))
	},
	Update: func(g Gen) { g.Add(0, true) },

	Print:    printHistogram(lhist),
	Rows:     histogramRows(lhist),
	Block:    true,
	JSONType: "hist",
	Number:   FieldBuckets,
	Metric:   Metric{Type: Histogram, Count: FieldBuckets},
}

func lhistArgs(p Params) (min, max, step int64) { return p.Arg(0), p.Arg(1), p.Arg(2) }

// lhist builds the rows of lhist(_, min, max, step); div does not apply.
func lhist(m *Merged, p Params, _ uint64) histogram {
	lo, hi, st := lhistArgs(p)
	return buildLhist(m.Buckets, lo, hi, st)
}

// LhistBucket returns the lhist(v, min, max, step) bucket index, as the
// kernel computes it (bpftrace's linear()):
//
//	v < min:  0
//	v > max:  1 + (max-min)/step
//	else:     1 + (v-min)/step
//
// The last index is the overflow bucket when (max-min) is a multiple of
// step; otherwise the bucket starting at or below max absorbs it.
func LhistBucket(v, min, max, step int64) int {
	switch {
	case v < min:
		return 0
	case v > max:
		return int(1 + (max-min)/step)
	}
	return int(1 + (v-min)/step)
}

// LhistNumBuckets is the number of lhist buckets: underflow, the linear
// range and overflow.
func LhistNumBuckets(min, max, step int64) int {
	return int((max-min)/step) + 2
}

// buildLhist mirrors bpftrace's build_linear_histogram.
func buildLhist(counts []uint64, min, max, step int64) histogram {
	var h histogram
	lo, hi := usedRange(counts)
	if lo < 0 {
		return h
	}
	if lo != 0 {
		l := lhistLabel(min+int64(lo-1)*step, step)
		h.lower = &l
	}
	for i := lo; i <= hi; i++ {
		if v := min + int64(i)*step; v <= max {
			h.labels = append(h.labels, lhistLabel(v, step))
		}
		h.counts = append(h.counts, counts[i])
	}
	return h
}

func lhistLabel(n, step int64) label {
	const kilo, mega = 1024, 1024 * 1024
	if step%kilo != 0 {
		return plainLabel(n)
	}
	text := strconv.FormatInt(n, 10)
	switch {
	case n == 0:
	case n%mega == 0:
		text = strconv.FormatInt(n/mega, 10) + "M"
	case n%kilo == 0:
		text = strconv.FormatInt(n/kilo, 10) + "K"
	}
	return label{num: n, text: text}
}
