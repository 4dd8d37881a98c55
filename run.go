package sonde

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"sonde/host"
	"sonde/lang/diag"
	"sonde/picture"
	"sonde/runtime"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
	"sonde/runtime/output/ndjson"
	"sonde/runtime/output/text"
)

// RunOptions say where a run's output goes.
type RunOptions struct {
	// Stdout receives the script's output: printf and friends, and the maps
	// at the end (nil: os.Stdout). When it has a Flush method, it is
	// flushed each time the event stream has been drained. Stderr receives
	// the "Attached N probes" banner, errorf/warnf messages and warnings
	// (nil: os.Stderr).
	Stdout, Stderr io.Writer
	Format         string // "text" (the default), "json" (as bpftrace's -f json) or "folded"

	// Events, when set, receives everything the script prints as Go values
	// instead of text on Stdout; it is called from one goroutine, in order.
	Events func(Event)
	// Output, when set, is the output format instead (a plug-in format):
	// it is given the environment values print with.
	Output func(env *output.Env) output.Output

	Quiet  bool // no "Attached N probes" banner
	DryRun bool // load and attach, then end without tracing
	// NoWarnings drops warnf() output and the run's own warnings (a
	// skipped probe, a full map), as --no-warnings does.
	NoWarnings bool
	// KeepRunning: a script of begin/end probes only runs until ctx ends
	// too, as when its maps are served (metrics).
	KeepRunning bool
}

// Result is how a run ended.
type Result struct {
	ExitCode int // exit(code), 0 otherwise
	maps     []*mapdata.Map
}

// Maps are the user maps as they were at the end, in name order, as Go
// values.
func (r *Result) Maps() []Map { return mapsOf(r.maps) }

// Run runs the program until it ends (see Start) and returns how.
func (p *Program) Run(ctx context.Context, opts RunOptions) (*Result, error) {
	r, err := p.prepare(opts)
	if err != nil {
		return nil, err
	}
	// In the caller's goroutine: another one would cost a short-lived
	// command an OS thread (about 200 KB of RSS).
	r.run(ctx)
	return r.Wait()
}

// A Run is a running script.
type Run struct {
	prog   *Program
	opts   runtime.Options
	loaded *runtime.Loaded
	env    *output.Env
	stop   chan struct{} // ends the user-symbol watch
	done   chan struct{}
	res    *Result
	err    error
}

// Start loads the program into the kernel and starts running it: begin
// probes run, probes attach, then events are processed until exit(), ctx
// is cancelled, the -c command or the -p process exits, or a script of
// begin/end probes only has run them. Then end probes run, the maps are
// printed, and everything is detached. Errors the kernel traces back to
// the script (a verifier rejection) are a *ScriptError.
func (p *Program) Start(ctx context.Context, opts RunOptions) (*Run, error) {
	r, err := p.prepare(opts)
	if err != nil {
		return nil, err
	}
	go r.run(ctx)
	return r, nil
}

// prepare loads the program, builds its output and starts the -c command,
// held until the probes are attached.
func (p *Program) prepare(opts RunOptions) (*Run, error) {
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	loaded, err := runtime.Load(p.spec, p.script.Name)
	if err != nil {
		return nil, p.runError(err)
	}
	env := host.NewEnv(p.spec, loaded.StackFrames)
	var out output.Output
	switch {
	case opts.Output != nil:
		out = opts.Output(env)
	case opts.Events != nil:
		out = &eventOutput{emit: opts.Events}
	default:
		if out, err = p.NewOutput(opts.Format, stdout, stderr, env); err != nil {
			loaded.Close()
			return nil, err
		}
	}
	r := &Run{prog: p, loaded: loaded, env: env, stop: make(chan struct{}), done: make(chan struct{})}
	userSyms := host.UsesUserSymbols(p.spec)
	var child *runtime.Child
	if p.opts.Command != "" {
		var onStop func(int)
		if userSyms {
			// The held command's mappings, read at its exec and its exit.
			onStop = func(pid int) { host.RefreshProcess(env, pid) }
		}
		if child, err = runtime.StartChild(p.opts.Command, onStop); err != nil {
			loaded.Close()
			return nil, err
		}
	}
	if userSyms && (p.opts.Pid > 0 || child != nil && !child.Held()) {
		pid := p.opts.Pid
		if child != nil {
			pid = child.Pid()
		}
		host.WatchProcess(env, pid, child != nil, r.stop)
	}
	r.opts = runtime.Options{
		Out: out, Env: env, Stderr: stderr, Quiet: opts.Quiet, DryRun: opts.DryRun,
		Child: child, Pid: p.opts.Pid, KeepMaps: true, NoWarnings: opts.NoWarnings,
		KeepRunning: opts.KeepRunning,
	}
	return r, nil
}

// run runs the loaded program to its end and releases everything.
func (r *Run) run(ctx context.Context) {
	defer close(r.done)
	res, err := r.loaded.Run(ctx, r.opts)
	close(r.stop)
	if r.opts.Child != nil {
		r.opts.Child.Kill()
	}
	if err != nil {
		r.err = r.prog.runError(err)
	} else {
		r.res = &Result{ExitCode: res.ExitCode, maps: res.Maps}
	}
	r.loaded.Close()
}

// NewOutput is the output format named format: "text" (or ""), "json" or
// "folded" (stack maps as folded lines, for flame graph tools), printing
// with env. RunOptions.Output uses it to wrap a format.
func (p *Program) NewOutput(format string, stdout, stderr io.Writer, env *output.Env) (output.Output, error) {
	switch format {
	case "", "text":
		return text.New(stdout, stderr, env), nil
	case "json":
		return ndjson.New(stdout, env), nil
	case "folded":
		return picture.NewFolded(stdout, stderr, env, p.spec.Plan), nil
	}
	return nil, fmt.Errorf("unknown output format %q: use text, json or folded", format)
}

// Wait waits for the run to end and returns how it ended.
func (r *Run) Wait() (*Result, error) {
	<-r.done
	return r.res, r.err
}

// Maps reads the user maps now, in name order, as Go values: while the
// script runs, a snapshot; once it has ended, the maps at the end.
func (r *Run) Maps() ([]Map, error) {
	data, err := r.loaded.Maps()
	if errors.Is(err, runtime.ErrClosed) {
		if _, err := r.Wait(); err != nil {
			return nil, err
		}
		return r.res.Maps(), nil
	}
	if err != nil {
		return nil, err
	}
	return mapsOf(data), nil
}

// Loaded is the script in the kernel while it runs, and the environment
// its values print with: for readers that need the merged map data and
// error counters as the runtime reads them, such as the metrics exporter
// (metrics/mapsource). Its reads fail with runtime.ErrClosed once the run
// has ended.
func (r *Run) Loaded() (*runtime.Loaded, *output.Env) { return r.loaded, r.env }

// Text prints a value as the text output would: symbols, stacks, user
// and probe names resolved. Stacks resolve only while the run lasts.
func (r *Run) Text(v output.Value) string { return output.TextString(v, r.env) }

// runError makes a run's failure a *ScriptError when the runtime traced it
// to the script, and words a missing privilege plainly.
func (p *Program) runError(err error) error {
	var d *diag.Diagnostic
	if errors.As(err, &d) {
		return p.script.errorOf(err)
	}
	if errors.Is(err, syscall.EPERM) && os.Geteuid() != 0 {
		// cilium's wording (memlock advice) does not apply: privileges do.
		return &permissionError{err}
	}
	return err
}

type permissionError struct{ err error }

func (e *permissionError) Error() string {
	return "permission denied: sonde needs root, or the CAP_BPF and CAP_PERFMON capabilities"
}

func (e *permissionError) Unwrap() error { return e.err }
