package agg

import (
	"math/bits"
	"strconv"
)

// Hist is a power-of-two histogram. The bucket is part of the map key (as
// in bpftrace); each bucket's value is a u64 count per CPU.
var Hist = &Aggregation{
	Name:    "hist",
	Doc:     "hist(n [, bits]): power-of-two histogram; bits (0-5) splits each power of two",
	Example: `tracepoint:syscalls:sys_exit_read /args.ret > 0/ { @ = hist(args.ret); @fine = hist(args.ret, 2); }`,
	Min:     1, Max: 2,
	Params: func(args []int64) ([]int64, error) {
		if len(args) == 0 {
			return []int64{0}, nil
		}
		if k := args[0]; k < 0 || k > 5 {
			return nil, &ArgError{Arg: 1, Msg: "hist() precision must be between 0 and 5"}
		}
		return args[:1], nil
	},

	Size:    8,
	Buckets: func(p []int64) int { return HistNumBuckets(int(Params{Args: p}.Arg(0))) },
	Bucket:  func(g Gen, p []int64) { g.Log2Bucket(int(Params{Args: p}.Arg(0))) },
	Update:  func(g Gen) { g.Add(0, true) },

	Print:    printHistogram(hist),
	Rows:     histogramRows(hist),
	Block:    true,
	JSONType: "hist",
	Number:   FieldBuckets,
	Metric:   Metric{Type: Histogram, Count: FieldBuckets},
}

// hist builds the rows of hist(_, bits); div divides the counts.
func hist(m *Merged, p Params, div uint64) histogram {
	return buildHist(m.Buckets, int(p.Arg(0)), div)
}

// HistBucket returns the hist(v, k) bucket index of v, as the kernel
// computes it, with 2^k sub-buckets per power of two. The value is taken
// as signed, as bpftrace does. With n = 1<<k:
//
//	v < 0:   0
//	v < n:   v + 1
//	else:    b = bits.Len64(uint64(v) >> k)          // 64 - clz, >= 1
//	         (b << k) + ((v >> (b-1)) & (n-1)) + 1
//
// So index 1 holds 0, the first 2n indexes after 0 hold one value each, and
// each later group of n indexes splits one power of two.
func HistBucket(v int64, k int) int {
	n := int64(1) << uint(k)
	switch {
	case v < 0:
		return 0
	case v < n:
		return int(v) + 1
	}
	b := bits.Len64(uint64(v) >> uint(k))
	return b<<uint(k) + int((v>>uint(b-1))&(n-1)) + 1
}

// HistNumBuckets is the number of hist(_, k) buckets: index 0 for negative
// values up to HistBucket(MaxInt64, k).
func HistNumBuckets(k int) int {
	return (64-k)<<uint(k) + 1
}

// buildHist mirrors bpftrace's build_histogram for hist(_, k).
func buildHist(counts []uint64, k int, div uint64) histogram {
	var h histogram
	lo, hi := usedRange(counts)
	if lo < 0 {
		return h
	}
	small := 2 << uint(k) // indexes up to here hold one value each
	if lo != 0 {
		l := histLabel(lo-1, k)
		if lo-1 <= small {
			l = plainLabel(int64(lo - 1))
		}
		h.lower = &l
	}
	for i := lo; i <= hi; i++ {
		switch {
		case i == 0:
			h.labels = append(h.labels, plainLabel(0))
		case i <= small:
			h.labels = append(h.labels, plainLabel(int64(i)))
		default:
			h.labels = append(h.labels, histLabel(i, k))
		}
		h.counts = append(h.counts, counts[i]/div)
	}
	return h
}

// histLabel is the lower bound of hist bucket index+1 (the upper bound of
// bucket index), with a 1024-based suffix: 2^power * (n + interval).
func histLabel(index, k int) label {
	n := 1 << uint(k)
	interval := index & (n - 1)
	power := index>>uint(k) - 1
	value := uint64(1) << uint(power) * uint64(n+interval)
	decade := power / 10
	power -= 10 * decade
	text := strconv.FormatUint(uint64(1)<<uint(power)*uint64(n+interval), 10)
	if decade > 0 {
		text += string("\x00KMGTPE"[decade])
	}
	return label{num: int64(value), text: text}
}
