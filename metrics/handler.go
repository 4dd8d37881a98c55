package metrics

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// NewHandler serves /metrics from src, in the Prometheus text format or
// OpenMetrics as the scraper asks, gzipped when it accepts that, with the
// process metrics every Prometheus client exports. shape is the maps
// without entries, checked for colliding names up front.
//
// The encoding is prometheus/common's expfmt over client_model's metric
// families, as in client_golang's promhttp; client_golang's own package
// is not linked, since its init registers default collectors (and calls
// getpid) in every process that links it, a one-line script included.
func NewHandler(src Source, shape []Map) (http.Handler, error) {
	if err := Check(shape); err != nil {
		return nil, err
	}
	h := &handler{src: src}
	mux := http.NewServeMux()
	mux.Handle("/metrics", h)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>sonde</title></head><body><a href="/metrics">metrics</a></body></html>`+"\n")
	})
	return mux, nil
}

type handler struct {
	// One scrape reads the maps at a time: a second scraper waits and then
	// reads fresh values, so scrapers never pile up reads.
	mu  sync.Mutex
	src Source
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	snap, err := h.src()
	h.mu.Unlock()
	if err != nil {
		// A failed scrape (up == 0), not an empty one that would read as
		// every series gone.
		http.Error(w, "reading the maps: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	fams := append(gather(snap), processFamilies()...)
	format := expfmt.NegotiateIncludingOpenMetrics(r.Header)
	w.Header().Set("Content-Type", string(format))
	w.Header().Add("Vary", "Accept, Accept-Encoding")
	var out *bufio.Writer
	if acceptsGzip(r.Header) {
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		defer gz.Close()
		out = bufio.NewWriterSize(gz, 64<<10)
	} else {
		out = bufio.NewWriterSize(w, 64<<10)
	}
	defer out.Flush()
	if err := encode(out, format, fams); err != nil {
		// The status line is gone; the scraper sees a truncated body.
		return
	}
}

func encode(w *bufio.Writer, format expfmt.Format, fams []*dto.MetricFamily) error {
	enc := expfmt.NewEncoder(w, format)
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			return err
		}
	}
	if c, ok := enc.(expfmt.Closer); ok {
		return c.Close()
	}
	return nil
}

func acceptsGzip(h http.Header) bool {
	for _, part := range strings.Split(h.Get("Accept-Encoding"), ",") {
		if enc, _, _ := strings.Cut(strings.TrimSpace(part), ";"); strings.EqualFold(enc, "gzip") {
			return true
		}
	}
	return false
}
