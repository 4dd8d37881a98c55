package metrics

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"net/http/httptest"
	"os"
	goldenfile "sonde/internal/golden"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
)

// pow2 are hist(_, 0) bounds: -1, 0, 1, 3, 7, ..., as mapsource makes them.
func pow2(n int) []float64 {
	b := []float64{-1, 0}
	for i := 1; len(b) < n; i++ {
		b = append(b, float64(uint64(1)<<uint(i)-1))
	}
	return b
}

// snapshot covers every kind, the label rules and the merge of keys that
// print the same.
func snapshot() *Snapshot {
	return &Snapshot{
		Maps: []Map{
			{Name: "@calls", Agg: Count, KeyNames: []string{"comm", "pid"}, Entries: []Entry{
				{Key: []string{"bash", "10"}, Value: 3},
				{Key: []string{"sshd", "20"}, Value: 5},
			}},
			{Name: "@", Agg: Sum, Entries: []Entry{{Value: -4}}},
			{Name: "@bytes", Agg: Sum, Shrinks: true, KeyNames: []string{"fd"}, Entries: []Entry{{Key: []string{"3"}, Value: 100}}},
			{Name: "@lat", Agg: Hist, KeyNames: []string{"comm"}, Bounds: pow2(64), Zero: 1, Entries: []Entry{
				// 0, 1, 1 and 5: buckets 1, 2, 2, 4; the other key reaches 100 (bucket 8).
				{Key: []string{"a"}, Hist: []uint64{0, 1, 2, 0, 1}, Count: 4, Sum: 7},
				{Key: []string{"b"}, Hist: []uint64{0, 0, 0, 0, 0, 0, 0, 0, 1}, Count: 1, Sum: 100},
			}},
			{Name: "@neg", Agg: Hist, Bounds: pow2(64), Zero: 1, Entries: []Entry{
				{Hist: []uint64{2, 0, 1}, Count: 3, Sum: -5},
			}},
			{Name: "@lin", Agg: Lhist, Bounds: []float64{-1, 9, 19}, Entries: []Entry{
				{Hist: []uint64{0, 2, 0, 1}, Count: 3, Sum: 45},
			}},
			{Name: "@st", Agg: Stats, KeyNames: []string{"le"}, Entries: []Entry{{Key: []string{"x"}, Count: 4, Sum: 10}}},
			{Name: "@avg", Agg: Avg, KeyNames: []string{"", ""}, Entries: []Entry{{Key: []string{"1", "2"}, Count: 4, Sum: 10}}},
			{Name: "@mn", Agg: Min, KeyNames: []string{"func"}, Entries: []Entry{
				{Key: []string{"vfs_read"}, Value: 7},
				{Key: []string{"vfs_read"}, Value: 3}, // another address in the same function
			}},
			{Name: "@v", Agg: Value, KeyNames: []string{"pid", "pid", "key1"}, Entries: []Entry{
				{Key: []string{"1", "2", "\xffbad"}, Value: 1},
			}},
		},
		LostEvents:     2,
		UpdateFailures: map[string]uint64{"@calls": 1, "@lat": 0},
		ProbesAttached: 3,
	}
}

func encodeSnapshot(t *testing.T, snap *Snapshot, format expfmt.Format) string {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := encode(w, format, gather(snap)); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return buf.String()
}

func TestExpositionText(t *testing.T) {
	golden(t, "exposition.golden", encodeSnapshot(t, snapshot(), expfmt.NewFormat(expfmt.TypeTextPlain)))
}

func TestExpositionOpenMetrics(t *testing.T) {
	golden(t, "openmetrics.golden", encodeSnapshot(t, snapshot(), expfmt.NewFormat(expfmt.TypeOpenMetrics)))
}

func TestKindsAndNames(t *testing.T) {
	for _, tc := range []struct {
		m    Map
		kind Kind
		name string
	}{
		{Map{Name: "@calls", Agg: Count}, Counter, "sonde_calls_total"},
		{Map{Name: "@calls_total", Agg: Count}, Counter, "sonde_calls_total"},
		{Map{Name: "@", Agg: Count}, Counter, "sonde_map_total"},
		{Map{Name: "@b", Agg: Sum}, Counter, "sonde_b_total"},
		{Map{Name: "@b", Agg: Sum, Shrinks: true}, Gauge, "sonde_b"},
		{Map{Name: "@c", Agg: Count, Shrinks: true}, Gauge, "sonde_c"},
		{Map{Name: "@m", Agg: Min}, Gauge, "sonde_m"},
		{Map{Name: "@m", Agg: Max}, Gauge, "sonde_m"},
		{Map{Name: "@m", Agg: Avg}, Gauge, "sonde_m"},
		{Map{Name: "@m", Agg: Value}, Gauge, "sonde_m"},
		{Map{Name: "@h", Agg: Hist, Shrinks: true}, Histogram, "sonde_h"},
		{Map{Name: "@h", Agg: Lhist}, Histogram, "sonde_h"},
		{Map{Name: "@s", Agg: Stats}, Summary, "sonde_s"},
	} {
		if k, n := KindOf(&tc.m), MetricName(&tc.m); k != tc.kind || n != tc.name {
			t.Errorf("%s %v shrinks=%v: got kind %d name %s, want %d %s", tc.m.Name, tc.m.Agg, tc.m.Shrinks, k, n, tc.kind, tc.name)
		}
	}
}

func TestLabelNames(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want string
	}{
		{[]string{"comm", "pid"}, "comm pid"},
		{[]string{""}, "key"},
		{[]string{"", "comm", ""}, "key0 comm key2"},
		{[]string{"pid", "pid"}, "pid key1"},
		{[]string{"le"}, "key"},
		{[]string{"quantile", "__x"}, "key0 key1"},
		{[]string{"key1", ""}, "key1 key1_"},
		{[]string{"9lives"}, "_9lives"},
	} {
		got := strings.Join(LabelNames(&Map{KeyNames: tc.keys}), " ")
		if got != tc.want {
			t.Errorf("LabelNames(%q) = %s, want %s", tc.keys, got, tc.want)
		}
	}
}

func TestCheckCollisions(t *testing.T) {
	for _, tc := range []struct {
		maps []Map
		err  string
	}{
		{[]Map{{Name: "@a", Agg: Stats}, {Name: "@a_count", Agg: Max}}, "map @a_count would be exported as sonde_a_count, as map @a is"},
		{[]Map{{Name: "@lost_events", Agg: Count}}, "map @lost_events would be exported as sonde_lost_events_total, as sonde's lost-event count is"},
		{[]Map{{Name: "@x", Agg: Count}, {Name: "@x_total", Agg: Count}}, "map @x_total would be exported as sonde_x_total"},
		{[]Map{{Name: "@a", Agg: Count}, {Name: "@b", Agg: Hist}}, ""},
	} {
		err := Check(tc.maps)
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Check(%v) = %v, want %q", tc.maps, err, tc.err)
		}
	}
}

// A failing read is a failed scrape (up == 0), not an empty one that
// would read as every series gone.
func TestReadErrorFailsScrape(t *testing.T) {
	h, err := NewHandler(func() (*Snapshot, error) { return nil, os.ErrClosed }, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if body := rec.Body.String(); rec.Code != 503 || !strings.Contains(body, "reading the maps: file already closed") {
		t.Errorf("scrape after a read error: %d\n%s", rec.Code, body)
	}
}

// Gzip when the scraper accepts it, as Prometheus does.
func TestHandlerGzip(t *testing.T) {
	h, _ := NewHandler(func() (*Snapshot, error) { return snapshot(), nil }, nil)
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	zr, err := gzip.NewReader(rec.Body)
	if rec.Header().Get("Content-Encoding") != "gzip" || err != nil {
		t.Fatalf("Content-Encoding %q, %v", rec.Header().Get("Content-Encoding"), err)
	}
	body, _ := io.ReadAll(zr)
	for _, want := range []string{"sonde_probes_attached 3\n", "process_resident_memory_bytes ", "process_cpu_seconds_total "} {
		if !strings.Contains(string(body), want) {
			t.Errorf("gzipped scrape lacks %q:\n%s", want, body)
		}
	}
}

// The handler negotiates OpenMetrics and keeps the text format otherwise.
func TestHandlerNegotiates(t *testing.T) {
	h, err := NewHandler(func() (*Snapshot, error) { return snapshot(), nil }, snapshot().Maps)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ accept, ctype, tail string }{
		{"", "text/plain; version=0.0.4", "\n"},
		{"application/openmetrics-text; version=1.0.0", "application/openmetrics-text; version=1.0.0", "# EOF\n"},
	} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
			t.Errorf("Accept %q: Content-Type %q, want %q", tc.accept, ct, tc.ctype)
		}
		if body := rec.Body.String(); !strings.HasSuffix(body, tc.tail) || !strings.Contains(body, "sonde_calls_total{comm=\"bash\",pid=\"10\"} 3") || !strings.Contains(body, "process_open_fds") {
			t.Errorf("Accept %q: body\n%s", tc.accept, body)
		}
	}
}

func TestAvgOfNothing(t *testing.T) {
	if v := value(&Map{Agg: Avg}, &Entry{}); v != 0 || math.IsNaN(v) {
		t.Errorf("avg of no values = %v, want 0", v)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, "testdata/"+name, got)
}
