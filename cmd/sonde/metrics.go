package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"sonde/metrics"
	"sonde/metrics/mapsource"
	"sonde/plan"
	"sonde/runtime"
)

// metricsServer is --metrics: the listener is bound before anything is
// loaded, so a busy address fails at once, and serving starts once the
// probes are attached.
type metricsServer struct {
	ln  net.Listener
	srv *http.Server
}

func newMetricsServer(addr string, spec *plan.Spec) (*metricsServer, error) {
	if err := metrics.Check(mapsource.Shape(spec.Plan.Maps)); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// The maps are served live, not printed at the end.
	spec.Plan.Config.PrintMapsOnExit = false
	return &metricsServer{ln: ln}, nil
}

func (m *metricsServer) start(live *runtime.Live, stderr io.Writer, quiet bool) {
	src := mapsource.New(live)
	h, err := metrics.NewHandler(src.Snapshot, src.Shape())
	if err != nil {
		// Check passed on the same maps: cannot happen.
		fmt.Fprintf(stderr, "sonde: --metrics: %v\n", err)
		return
	}
	m.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go m.srv.Serve(m.ln)
	if !quiet {
		fmt.Fprintf(stderr, "Serving metrics on http://%s/metrics\n", m.ln.Addr())
	}
}

func (m *metricsServer) stop() {
	if m.srv == nil {
		m.ln.Close()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	m.srv.Shutdown(ctx)
}
