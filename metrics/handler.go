package metrics

import (
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
)

// NewHandler serves /metrics from src, in the text format or OpenMetrics
// as the scraper asks, with the process and Go runtime metrics every
// Prometheus client exports. shape is the maps without entries, checked
// for colliding names up front. Concurrent scrapes share one read of the
// maps. A failed read serves the process metrics and no map, with the
// error logged by the handler: an empty map would read as every series
// gone.
func NewHandler(src Source, shape []Map) (http.Handler, error) {
	if err := Check(shape); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	g := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		fams, err := reg.Gather()
		if err != nil {
			return fams, err
		}
		snap, err := src()
		if err != nil {
			return fams, fmt.Errorf("reading the maps: %w", err)
		}
		return append(fams, gather(snap)...), nil
	})
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{
		EnableOpenMetrics:   true,
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 8,
		Timeout:             30 * time.Second,
		CoalesceGather:      true,
	}))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>sonde</title></head><body><a href="/metrics">metrics</a></body></html>`+"\n")
	})
	return mux, nil
}
