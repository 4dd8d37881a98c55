package text_test

import (
	"strings"
	"testing"

	"sonde/runtime/mapdata"
	"sonde/runtime/mapdata/mapdatatest"
)

// The cases below reproduce bpftrace's tests/runtime/outputs/*.txt and the
// reference's @usecs example from the values that produce them.
func TestHistGolden(t *testing.T) {
	golden(t, "hist", textOf(mapdatatest.Hist("@", 0, -1, 2, 3, 4, 20), 0, 0))
	golden(t, "hist_2_values", textOf(mapdatatest.Hist("@", 0, 2, 20), 0, 0))
	golden(t, "usecs", textOf(mapdatatest.Hist("@usecs", 0, 0, 2, 3, 5), 0, 0))
	golden(t, "lhist", textOf(mapdatatest.Lhist("@", 0, 10, 2, -1, 2, 3, 7, 10), 0, 0))
}

func TestHistLabels(t *testing.T) {
	for _, c := range []struct {
		m    *mapdata.Map
		want string
	}{
		// K suffixes and the 1K boundary.
		{mapdatatest.Hist("@", 0, 600, 1500), "[512, 1K)  [1K, 2K)  "},
		{mapdatatest.Hist("@", 0, 1<<20, 1<<30), "[1M, 2M)  [2M, 4M)  [4M, 8M)  [8M, 16M)  [16M, 32M)  [32M, 64M)  [64M, 128M)  [128M, 256M)  [256M, 512M)  [512M, 1G)  [1G, 2G)  "},
		// hist(n, 1): values 0..3 single, then 2 buckets per power of 2.
		{mapdatatest.Hist("@", 1, 0, 3, 4, 6, 8, 12), "[0]  [1]  [2]  [3]  [4, 6)  [6, 8)  [8, 12)  [12, 16)  "},
		// lhist step 1 buckets are single values; K labels for steps of 1024.
		{mapdatatest.Lhist("@", 0, 5, 1, 0, 1, 5), "[0]  [1]  [2]  [3]  [4]  [5, ...)  "},
		{mapdatatest.Lhist("@", 0, 4096, 1024, 10, 2000, 5000), "[0, 1K)  [1K, 2K)  [2K, 3K)  [3K, 4K)  [4K, ...)  "},
		{mapdatatest.Lhist("@", 10, 20, 5, 1), "(..., 10)  "},
		{mapdatatest.Lhist("@", 10, 20, 5, 30), "[20, ...)  "},
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
		m    *mapdata.Map
		want string
	}{
		// bpftrace's tests/runtime/json-output "histogram".
		{mapdatatest.Hist("@hist", 0, 2, 1025), `{"type": "hist", "data": {"@hist": [{"min": 2, "max": 3, "count": 1},{"min": 4, "max": 7, "count": 0},{"min": 8, "max": 15, "count": 0},{"min": 16, "max": 31, "count": 0},{"min": 32, "max": 63, "count": 0},{"min": 64, "max": 127, "count": 0},{"min": 128, "max": 255, "count": 0},{"min": 256, "max": 511, "count": 0},{"min": 512, "max": 1023, "count": 0},{"min": 1024, "max": 2047, "count": 1}]}}` + "\n"},
		{mapdatatest.Hist("@", 0, -1, 0), `{"type": "hist", "data": {"@": [{"max": -1, "count": 1},{"min": 0, "max": 0, "count": 1}]}}` + "\n"},
		// "linear histogram".
		{mapdatatest.Lhist("@h", 0, 100, 10, 2, 50, 1000), `{"type": "hist", "data": {"@h": [{"min": 0, "max": 9, "count": 1},{"min": 10, "max": 19, "count": 0},{"min": 20, "max": 29, "count": 0},{"min": 30, "max": 39, "count": 0},{"min": 40, "max": 49, "count": 0},{"min": 50, "max": 59, "count": 1},{"min": 60, "max": 69, "count": 0},{"min": 70, "max": 79, "count": 0},{"min": 80, "max": 89, "count": 0},{"min": 90, "max": 99, "count": 0},{"min": 100, "count": 1}]}}` + "\n"},
	} {
		if got := jsonOf(c.m, 0, 0); got != c.want {
			t.Errorf("\n got %s\nwant %s", got, c.want)
		}
	}
}
