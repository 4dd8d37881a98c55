package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	lib "sonde"
	"sonde/metrics"
	"sonde/metrics/mapsource"
)

// serveMetrics is --metrics: the listener is bound before anything is
// loaded, so a busy address fails at once; the maps are served while the
// script runs, and not printed at its end.
func serveMetrics(ctx context.Context, opts *options, prog *lib.Program, ro lib.RunOptions, stderr io.Writer) (*lib.Result, error) {
	spec := prog.Spec()
	if err := metrics.Check(mapsource.Shape(spec.Plan.Maps)); err != nil {
		return nil, fmt.Errorf("--metrics: %w", err)
	}
	ln, err := net.Listen("tcp", opts.metrics)
	if err != nil {
		return nil, fmt.Errorf("--metrics: %w", err)
	}
	defer ln.Close()
	spec.Plan.Config.PrintMapsOnExit = false
	ro.KeepRunning = true
	run, err := prog.Start(ctx, ro)
	if err != nil {
		return nil, err
	}
	loaded, env := run.Loaded()
	src := mapsource.New(loaded, env, spec.Plan, len(spec.Programs))
	h, err := metrics.NewHandler(src.Snapshot, src.Shape())
	if err != nil {
		return nil, err // Check passed on the same maps
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	if !opts.quiet {
		fmt.Fprintf(stderr, "Serving metrics on http://%s/metrics\n", ln.Addr())
	}
	res, err := run.Wait()
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	return res, err
}
