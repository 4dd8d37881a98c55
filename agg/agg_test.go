package agg

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"testing"
)

// Every entry is complete: documented, with an example, a value layout,
// an update, a merge or buckets, printing and a metric.
func TestCatalogueComplete(t *testing.T) {
	if len(All()) != len(byName) || len(Names()) != len(All()) {
		t.Fatalf("catalogue and index disagree: %v", Names())
	}
	for _, a := range All() {
		got, ok := Lookup(a.Name)
		if !ok || got != a {
			t.Errorf("%s: Lookup finds %v", a.Name, got)
		}
		if a.Doc == "" || !strings.Contains(a.Example, a.Name+"(") || a.Min > a.Max || a.Min < 0 {
			t.Errorf("%s: signature or docs incomplete: %+v", a.Name, a)
		}
		if a.Size <= 0 || a.Size%8 != 0 || a.Update == nil || a.Print == nil {
			t.Errorf("%s: value layout, update or printing missing", a.Name)
		}
		if a.Max > 1 && a.Params == nil {
			t.Errorf("%s: takes parameters but does not check them", a.Name)
		}
		if a.Bucketed() != (a.Bucket != nil) || a.Bucketed() != (a.Rows != nil) || a.Bucketed() == (a.Merge != nil) {
			t.Errorf("%s: a bucketed aggregation has Buckets, Bucket and Rows and no Merge; others a Merge", a.Name)
		}
		if a.Bucketed() && a.Size != 8 {
			t.Errorf("%s: buckets hold one u64 count", a.Name)
		}
		if a.Bucketed() != a.Block {
			t.Errorf("%s: histograms print as blocks, other values inline", a.Name)
		}
		if a.Number == NoField {
			t.Errorf("%s: no number stands for its value", a.Name)
		}
		for _, p := range a.Parts {
			if p.Name == "" || p.Field == NoField {
				t.Errorf("%s: table part %+v incomplete", a.Name, p)
			}
		}
		if a.Additive && a.Read == nil {
			t.Errorf("%s: an additive value can be read", a.Name)
		}
		if !slices.Contains([]string{"map", "stats", "hist"}, a.JSONType) {
			t.Errorf("%s: JSON type %q is not one of bpftrace's", a.Name, a.JSONType)
		}
		m := a.Metric
		switch m.Type {
		case Counter, Gauge:
			if m.Value == NoField {
				t.Errorf("%s: a %s needs a value", a.Name, m.Type)
			}
		case Summary, Histogram:
			if m.Count == NoField || m.Value != NoField {
				t.Errorf("%s: a %s has a count, not a value", a.Name, m.Type)
			}
			if (m.Type == Histogram) != a.Bucketed() {
				t.Errorf("%s: histograms are the bucketed aggregations", a.Name)
			}
		default:
			t.Errorf("%s: no metric type", a.Name)
		}
	}
}

// cpuValues simulates per-CPU map values for Gen and Reader: the entry's
// update runs on one CPU's value, its read over all of them.
type cpuValues struct {
	vals   [][]byte
	cpu    int
	x      int64
	signed bool
}

func (s *cpuValues) word(off int) uint64 { return binary.LittleEndian.Uint64(s.vals[s.cpu][off:]) }
func (s *cpuValues) set(off int, v uint64) {
	binary.LittleEndian.PutUint64(s.vals[s.cpu][off:], v)
}

func (s *cpuValues) Add(off int, one bool) {
	d := uint64(s.x)
	if one {
		d = 1
	}
	s.set(off, s.word(off)+d)
}

func (s *cpuValues) Keep(off, set int, largest bool) {
	old, x := s.word(off), uint64(s.x)
	if s.word(set) == 0 || better(x, old, largest, s.signed) {
		s.set(off, x)
	}
	s.set(set, 1)
}

func (s *cpuValues) Log2Bucket(bits int) { s.x = int64(HistBucket(s.x, bits)) }
func (s *cpuValues) LinearBucket(min, max, step int64, _ int) {
	s.x = int64(LhistBucket(s.x, min, max, step))
}

// The in-kernel read, simulated the way the compiler emits it.
type readValues struct {
	*cpuValues
	got uint64
}

func (r *readValues) Sum(off int) {
	for r.cpu = range r.vals {
		r.got += r.word(off)
	}
}

func (r *readValues) Average(count, total int) {
	var c, t uint64
	for r.cpu = range r.vals {
		c, t = c+r.word(count), t+r.word(total)
	}
	r.got = average(&Merged{Count: c, Total: t}, r.signed)
}

func (r *readValues) Keep(off, set int, largest bool) {
	have := false
	for r.cpu = range r.vals {
		if r.word(set) == 0 {
			continue
		}
		if x := r.word(off); !have || better(x, r.got, largest, r.signed) {
			r.got, have = x, true
		}
	}
}

// Updating per-CPU values and merging them gives what each aggregation
// means, and the in-kernel read prints the same number as the merge.
func TestUpdateMergeRead(t *testing.T) {
	xs := []int64{5, -3, 12, 7, 0, -8, 40}
	for _, c := range []struct {
		a    *Aggregation
		want string
	}{
		{Count, "7"}, {Sum, "53"}, {Min, "-8"}, {Max, "40"}, {Avg, "7"},
		{Stats, "{ .count = 7, .average = 7, .total = 53 }"},
	} {
		s := &cpuValues{vals: [][]byte{make([]byte, c.a.Size), make([]byte, c.a.Size), make([]byte, c.a.Size)}, signed: true}
		for i, x := range xs {
			s.cpu, s.x = i%3, x
			c.a.Update(s)
		}
		var b []byte
		for _, v := range s.vals {
			b = append(b, v...)
		}
		var m Merged
		c.a.Merge(CPUValues{B: b, CPUs: 3, Size: c.a.Size, Stride: c.a.Size}, &m, true)
		p := Params{Signed: true}
		if got := string(c.a.Print(nil, &m, p, 1, false)); got != c.want {
			t.Errorf("%s: merged %q, want %q", c.a.Name, got, c.want)
		}
		if c.a.Read == nil {
			continue
		}
		r := &readValues{cpuValues: s}
		c.a.Read(r)
		if got, want := int64(r.got), int64(c.a.Metric.Value.Of(&m, true)); c.a.Metric.Type != Summary && got != want {
			t.Errorf("%s: read %d in the kernel, merged %d", c.a.Name, got, want)
		}
		if got := string(appendNum(nil, r.got, true, false)); c.a != Stats && got != c.want {
			t.Errorf("%s: read %s, want %s", c.a.Name, got, c.want)
		}
	}
}

func TestParams(t *testing.T) {
	for _, c := range []struct {
		a    *Aggregation
		args []int64
		want []int64
		err  string
	}{
		{Hist, nil, []int64{0}, ""},
		{Hist, []int64{3}, []int64{3}, ""},
		{Hist, []int64{6}, nil, "hist() precision must be between 0 and 5"},
		{Lhist, []int64{0, 100, 10}, []int64{0, 100, 10}, ""},
		{Lhist, []int64{10, 10, 1}, nil, "lhist() min must be less than max"},
		{Lhist, []int64{0, 10, 0}, nil, "lhist() min, max and step must be non-negative, and step positive"},
		{Lhist, []int64{0, 5000, 1}, nil, "lhist() would have 5000 buckets; the limit is 1000"},
	} {
		got, err := c.a.Params(c.args)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s%v: error %v, want %q", c.a.Name, c.args, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s%v = %v, %v; want %v", c.a.Name, c.args, got, err, c.want)
		}
	}
}

// Rows carry the printed buckets' bounds: what a Go program or a
// histogram metric reads.
func TestRows(t *testing.T) {
	counts := make([]uint64, HistNumBuckets(0))
	for _, v := range []int64{-1, 0, 5, 6} {
		counts[HistBucket(v, 0)]++
	}
	got := Hist.Rows(&Merged{Buckets: counts}, Params{Args: []int64{0}}, 1)
	want := []Row{
		{Label: "(..., 0)", Low: math.MinInt64, High: 0, Count: 1},
		{Label: "[0]", Low: 0, High: 1, Count: 1},
		{Label: "[1]", Low: 1, High: 2, Count: 0},
		{Label: "[2, 4)", Low: 2, High: 4, Count: 0},
		{Label: "[4, 8)", Low: 4, High: 8, Count: 2},
	}
	if !slices.Equal(got, want) {
		t.Errorf("hist rows\n got %+v\nwant %+v", got, want)
	}
	lc := make([]uint64, LhistNumBuckets(0, 20, 10))
	for _, v := range []int64{3, 25} {
		lc[LhistBucket(v, 0, 20, 10)]++
	}
	got = Lhist.Rows(&Merged{Buckets: lc}, Params{Args: []int64{0, 20, 10}}, 1)
	want = []Row{{Label: "[0, 10)", Low: 0, High: 10, Count: 1}, {Label: "[10, 20)", Low: 10, High: 20, Count: 0}, {Label: "[20, ...)", Low: 20, High: math.MaxInt64, Count: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("lhist rows\n got %+v\nwant %+v", got, want)
	}
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

// Every bucket's rows bound exactly the values the kernel's bucket
// function puts in it: both ends map to the bucket, each row starts where
// the one before it ends, and the first and last are open.
func TestRowBounds(t *testing.T) {
	check := func(name string, a *Aggregation, p Params, bucket func(int64) int) {
		counts := make([]uint64, a.Buckets(p.Args))
		for i := range counts {
			counts[i] = 1
		}
		rows := a.Rows(&Merged{Buckets: counts}, p, 1)
		if len(rows) != len(counts) || rows[0].Low != math.MinInt64 || rows[len(rows)-1].High != math.MaxInt64 {
			t.Fatalf("%s: %d rows for %d buckets, from %d to %d", name, len(rows), len(counts), rows[0].Low, rows[len(rows)-1].High)
		}
		for i, r := range rows {
			lo, hi := r.Low, r.High-1
			if r.High == math.MaxInt64 {
				hi = math.MaxInt64
			}
			if lo > hi || bucket(lo) != i || bucket(hi) != i {
				t.Fatalf("%s bucket %d: [%d, %d] maps to buckets %d and %d", name, i, lo, hi, bucket(lo), bucket(hi))
			}
			if i > 0 && r.Low != rows[i-1].High {
				t.Fatalf("%s row %d starts at %d, after row %d ended at %d", name, i, r.Low, i-1, rows[i-1].High)
			}
		}
	}
	for _, k := range []int{0, 1, 2, 5} {
		check("hist", Hist, Params{Args: []int64{int64(k)}}, func(v int64) int { return HistBucket(v, k) })
	}
	for _, r := range [][3]int64{{0, 10, 2}, {0, 9, 2}, {5, 6, 1}} {
		check("lhist", Lhist, Params{Args: r[:]}, func(v int64) int { return LhistBucket(v, r[0], r[1], r[2]) })
	}
}
