package output

import (
	"strings"
	"testing"
)

func textOf(m *MapData, top, div int) string {
	var b strings.Builder
	NewText(&b, nil, nil).Map(m, top, div)
	return b.String()
}

func jsonOf(m *MapData, top, div int) string {
	var b strings.Builder
	NewJSON(&b, nil).Map(m, top, div)
	return b.String()
}

// The cases below reproduce bpftrace's tests/runtime/outputs/*.txt and the
// reference's @usecs example from the values that produce them.
func TestHistGolden(t *testing.T) {
	golden(t, "hist", textOf(histOf("@", 0, -1, 2, 3, 4, 20), 0, 0))
	golden(t, "hist_2_values", textOf(histOf("@", 0, 2, 20), 0, 0))
	golden(t, "usecs", textOf(histOf("@usecs", 0, 0, 2, 3, 5), 0, 0))
	golden(t, "lhist", textOf(lhistOf("@", 0, 10, 2, -1, 2, 3, 7, 10), 0, 0))
}

func TestHistBucket(t *testing.T) {
	for _, c := range []struct {
		v    int64
		k    int
		want int
	}{
		{-5, 0, 0}, {0, 0, 1}, {1, 0, 2}, {2, 0, 3}, {3, 0, 3}, {4, 0, 4}, {1023, 0, 11}, {1024, 0, 12},
		{0, 1, 1}, {3, 1, 4}, {4, 1, 5}, {5, 1, 5}, {6, 1, 6}, {8, 1, 7},
		{1<<63 - 1, 0, 64}, {1<<63 - 1, 5, HistNumBuckets(5) - 1},
		// k=2, index 27 = 0b11011 starts at 224 (bpftrace's comment).
		{224, 2, 28}, {255, 2, 28}, {256, 2, 29},
	} {
		if got := HistBucket(c.v, c.k); got != c.want {
			t.Errorf("HistBucket(%d, %d) = %d, want %d", c.v, c.k, got, c.want)
		}
	}
	// Every label bound must land in the bucket it opens.
	for k := 0; k <= 5; k++ {
		for i := 2<<k + 1; i < HistNumBuckets(k)-1; i++ {
			lo := histLabel(i-1, k).num
			if got := HistBucket(lo, k); got != i {
				t.Fatalf("k=%d: value %d in bucket %d, want %d", k, lo, got, i)
			}
			if got := HistBucket(lo-1, k); got != i-1 {
				t.Fatalf("k=%d: value %d in bucket %d, want %d", k, lo-1, got, i-1)
			}
		}
	}
}

func TestLhistBucket(t *testing.T) {
	for _, c := range []struct{ v, min, max, step int64 }{
		{-1, 0, 10, 2}, {0, 0, 10, 2}, {9, 0, 10, 2}, {10, 0, 10, 2}, {11, 0, 10, 2},
	} {
		got := LhistBucket(c.v, c.min, c.max, c.step)
		if got < 0 || got >= LhistNumBuckets(c.min, c.max, c.step) {
			t.Errorf("LhistBucket(%v) = %d out of range", c, got)
		}
	}
	if got := LhistBucket(10, 0, 10, 2); got != 6 {
		t.Errorf("max goes to overflow bucket 6, got %d", got)
	}
}

func TestHistLabels(t *testing.T) {
	for _, c := range []struct {
		m    *MapData
		want string
	}{
		// K suffixes and the 1K boundary.
		{histOf("@", 0, 600, 1500), "[512, 1K)  [1K, 2K)  "},
		{histOf("@", 0, 1<<20, 1<<30), "[1M, 2M)  [2M, 4M)  [4M, 8M)  [8M, 16M)  [16M, 32M)  [32M, 64M)  [64M, 128M)  [128M, 256M)  [256M, 512M)  [512M, 1G)  [1G, 2G)  "},
		// hist(n, 1): values 0..3 single, then 2 buckets per power of 2.
		{histOf("@", 1, 0, 3, 4, 6, 8, 12), "[0]  [1]  [2]  [3]  [4, 6)  [6, 8)  [8, 12)  [12, 16)  "},
		// lhist step 1 buckets are single values; K labels for steps of 1024.
		{lhistOf("@", 0, 5, 1, 0, 1, 5), "[0]  [1]  [2]  [3]  [4]  [5, ...)  "},
		{lhistOf("@", 0, 4096, 1024, 10, 2000, 5000), "[0, 1K)  [1K, 2K)  [2K, 3K)  [3K, 4K)  [4K, ...)  "},
		{lhistOf("@", 10, 20, 5, 1), "(..., 10)  "},
		{lhistOf("@", 10, 20, 5, 30), "[20, ...)  "},
	} {
		var got strings.Builder
		for _, line := range strings.Split(textOf(c.m, 0, 0), "\n") {
			if f := strings.SplitN(line, "  ", 2); len(f) == 2 && strings.HasPrefix(line, "[") || strings.HasPrefix(line, "(") {
				got.WriteString(strings.TrimSpace(line[:16]) + "  ")
			}
		}
		if got.String() != c.want {
			t.Errorf("labels\n got %q\nwant %q", got.String(), c.want)
		}
	}
}

func TestHistJSON(t *testing.T) {
	for _, c := range []struct {
		m    *MapData
		want string
	}{
		// bpftrace's tests/runtime/json-output "histogram".
		{histOf("@hist", 0, 2, 1025), `{"type": "hist", "data": {"@hist": [{"min": 2, "max": 3, "count": 1},{"min": 4, "max": 7, "count": 0},{"min": 8, "max": 15, "count": 0},{"min": 16, "max": 31, "count": 0},{"min": 32, "max": 63, "count": 0},{"min": 64, "max": 127, "count": 0},{"min": 128, "max": 255, "count": 0},{"min": 256, "max": 511, "count": 0},{"min": 512, "max": 1023, "count": 0},{"min": 1024, "max": 2047, "count": 1}]}}` + "\n"},
		{histOf("@", 0, -1, 0), `{"type": "hist", "data": {"@": [{"max": -1, "count": 1},{"min": 0, "max": 0, "count": 1}]}}` + "\n"},
		// "linear histogram".
		{lhistOf("@h", 0, 100, 10, 2, 50, 1000), `{"type": "hist", "data": {"@h": [{"min": 0, "max": 9, "count": 1},{"min": 10, "max": 19, "count": 0},{"min": 20, "max": 29, "count": 0},{"min": 30, "max": 39, "count": 0},{"min": 40, "max": 49, "count": 0},{"min": 50, "max": 59, "count": 1},{"min": 60, "max": 69, "count": 0},{"min": 70, "max": 79, "count": 0},{"min": 80, "max": 89, "count": 0},{"min": 90, "max": 99, "count": 0},{"min": 100, "count": 1}]}}` + "\n"},
	} {
		if got := jsonOf(c.m, 0, 0); got != c.want {
			t.Errorf("\n got %s\nwant %s", got, c.want)
		}
	}
}
