package metrics

import (
	"io"
	"net/http/httptest"
	"strconv"
	"testing"
)

// A scrape of one 100,000-key counter map, through the handler: what
// sonde adds to reading the map.
func BenchmarkScrape100k(b *testing.B) {
	m := Map{Name: "@", Agg: Count, KeyNames: []string{"nsecs"}, Entries: make([]Entry, 100000)}
	for i := range m.Entries {
		m.Entries[i] = Entry{Key: []string{strconv.Itoa(1e12 + i*7919)}, Value: float64(i)}
	}
	snap := &Snapshot{Maps: []Map{m}}
	h, err := NewHandler(func() (*Snapshot, error) { return snap, nil }, snap.Maps)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		io.Copy(io.Discard, rec.Body)
	}
}
