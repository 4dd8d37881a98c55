package mapsource

import (
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"sonde/agg"
	"sonde/metrics"
	"sonde/plan"
	"sonde/types"
)

// Each hist bound is the largest value of its bucket, as the kernel side
// (agg.HistBucket) buckets values: exact for integers.
func TestHistBoundsMatchBuckets(t *testing.T) {
	for k := 0; k <= 5; k++ {
		bounds := HistBounds(k)
		if len(bounds) != agg.HistNumBuckets(k)-1 {
			t.Fatalf("k=%d: %d bounds for %d buckets", k, len(bounds), agg.HistNumBuckets(k))
		}
		for i, le := range bounds {
			v := int64(le)
			if float64(v) != le && le < 1<<53 {
				t.Fatalf("k=%d bucket %d: bound %v is not an integer", k, i, le)
			}
			if le >= 1<<53 {
				continue // beyond a float64's integers: only the order matters
			}
			if got := agg.HistBucket(v, k); got != i {
				t.Errorf("k=%d: HistBucket(%d) = %d, want %d", k, v, got, i)
			}
			if got := agg.HistBucket(v+1, k); got != i+1 {
				t.Errorf("k=%d: HistBucket(%d) = %d, want %d (the next bucket)", k, v+1, got, i+1)
			}
		}
		for i := 1; i < len(bounds); i++ {
			if !(bounds[i] > bounds[i-1]) {
				t.Errorf("k=%d: bounds not ascending at %d: %v, %v", k, i, bounds[i-1], bounds[i])
			}
		}
	}
}

func TestLhistBoundsMatchBuckets(t *testing.T) {
	for _, c := range [][3]int64{{0, 100, 10}, {10, 95, 10}, {0, 3, 1}, {5, 1000, 7}} {
		lo, hi, step := c[0], c[1], c[2]
		bounds := LhistBounds(lo, hi, step)
		if len(bounds) != agg.LhistNumBuckets(lo, hi, step)-1 {
			t.Fatalf("%v: %d bounds", c, len(bounds))
		}
		for i, le := range bounds {
			v := int64(le)
			if got := agg.LhistBucket(v, lo, hi, step); got != i {
				t.Errorf("%v: LhistBucket(%d) = %d, want %d", c, v, got, i)
			}
			if got := agg.LhistBucket(v+1, lo, hi, step); got != i+1 {
				t.Errorf("%v: LhistBucket(%d) = %d, want %d", c, v+1, got, i+1)
			}
		}
	}
}

func TestFolded(t *testing.T) {
	for in, want := range map[string]string{
		"\n        leaf+1\n        mid+2\n        root+3\n": "root+3;mid+2;leaf+1",
		"\n\tffff1 leaf+1\n": "ffff1 leaf+1",
		"":                   "",
	} {
		if got := folded(in); got != want {
			t.Errorf("folded(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	key := &types.Type{Kind: types.Tuple, Fields: []types.Field{
		{Type: types.Uint64}, {Type: types.Uint32, Offset: 8}, {Type: types.Int64, Offset: 16},
	}}
	info := &plan.MapInfo{Name: "@x", Agg: "hist", AggArgs: []int64{0}, Key: key, KeyNames: []string{"cgroup", "pid", ""}, Shrinks: true}
	m := describe(info)
	if m.Agg != metrics.Hist || !m.Shrinks || m.Zero != 1 || len(m.Bounds) != 64 {
		t.Errorf("describe: %+v", m)
	}
	if got := metrics.LabelNames(&m); got[0] != "cgroup_path" || got[1] != "pid" || got[2] != "key2" {
		t.Errorf("labels %v", got)
	}
	if Exported(&plan.MapInfo{Value: types.StringType(16)}) {
		t.Error("a map of strings has no metric")
	}
	if !Exported(&plan.MapInfo{Value: types.Int64}) {
		t.Error("a map of integers is a gauge")
	}
}

func TestCgroupPaths(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "kubepods", "pod1")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ino := func(p string) uint64 {
		var st syscall.Stat_t
		if err := syscall.Stat(p, &st); err != nil {
			t.Fatal(err)
		}
		return st.Ino
	}
	c := NewCgroups(root)
	if got := c.Path(ino(dir)); got != "/kubepods/pod1" {
		t.Errorf("Path = %q", got)
	}
	if got := c.Path(ino(root)); got != "/" {
		t.Errorf("root Path = %q", got)
	}
	if got := c.Path(math.MaxUint64); got != "18446744073709551615" {
		t.Errorf("unknown id = %q, want the id", got)
	}
}
