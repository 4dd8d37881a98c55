package output

import "math/bits"

// Bucket math shared with the compiler: the BPF program computes the same
// index in the kernel, the printer turns indexes back into labels.

// HistBucket returns the hist(v, k) bucket index of v, with 2^k sub-buckets
// per power of two. The value is taken as signed, as bpftrace does. With
// n = 1<<k:
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

// LhistBucket returns the lhist(v, min, max, step) bucket index, as
// bpftrace's linear():
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
