// Package sonde runs sonde scripts from Go: the same pipeline as the sonde
// command, behind one door. Parse reads a script, Compile checks it against
// the running kernel and lowers it to eBPF, and Run (or Start, to read the
// maps while it runs) loads, attaches and traces until the script exits, the
// context is cancelled, or the traced command or process ends:
//
//	script, err := sonde.Parse("opens.sd", []byte(`tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }`))
//	prog, err := sonde.Compile(script, sonde.Options{})
//	res, err := prog.Run(ctx, sonde.RunOptions{Stdout: os.Stdout})
//	for _, m := range res.Maps() { ... } // keys and values as Go values
//
// Compile does what the command does besides reading flags: it mounts
// tracefs when it is missing and sonde runs as root, answers from the BTF
// cache, and picks kprobe/fentry fallbacks where the kernel lacks one of
// them. Run starts the -c command held until the probes are attached, keeps
// the user symbols of a traced command or process fresh, and ends with a
// -p process. Signals are the caller's: cancel the context to end a run as
// SIGINT ends the command's.
//
// Errors that point at the script are a *ScriptError, which renders with
// carets under the source.
//
// A program that sets Options.Command must call MaybeExecChild first thing
// in main: the command is started as a copy of the program itself, held
// before exec until the probes are attached.
package sonde

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"syscall"

	"sonde/compiler"
	"sonde/host"
	"sonde/internal/phase"
	"sonde/kernel/tracefs"
	"sonde/lang"
	"sonde/lang/ast"
	"sonde/lang/diag"
	"sonde/plan"
	"sonde/provider"
	"sonde/runtime"
	"sonde/runtime/attach"
)

// Script is a parsed script.
type Script struct {
	Name   string // the file name diagnostics use ("stdin" for -e)
	Source []byte
	AST    *ast.Program
}

// Parse parses a script. A syntax error is a *ScriptError.
func Parse(name string, src []byte) (*Script, error) {
	s := &Script{Name: name, Source: src}
	prog, err := lang.Parse(name, src)
	if err != nil {
		return nil, s.errorOf(err)
	}
	s.AST = prog
	return s, nil
}

// Dump is the syntax tree, one node per line (-d ast).
func (s *Script) Dump() string { return ast.Dump(s.AST) }

// Options are what the command line gives a script besides the program.
type Options struct {
	Args   []string          // positional parameters $1..$N
	Params map[string]string // named parameters (--name=value after --), read with getopt
	Unsafe bool              // allow functions that act on the system: system(), signal()

	// Command (-c) is a command line to run and trace from its first
	// instruction; the run ends when it exits. Pid (-p) traces one running
	// process; the run ends when it exits. At most one of them.
	Command string
	Pid     int

	// Where the constants of the script's #include lines are looked up:
	// IncludeDirs (-I) before the machine's headers, IncludeFiles
	// (--include) as if the script included them, and with NoStdinc none
	// of the machine's (the built-in table still answers).
	IncludeDirs  []string
	IncludeFiles []string
	NoStdinc     bool
	// DebugDirs (--debuginfo) are searched first for the separate debug
	// files of user binaries, before their build ID and .gnu_debuglink.
	DebugDirs []string

	// AsWritten compiles the probes as the script writes them, without
	// asking which probe types this kernel supports: for listing a
	// script's probes or showing its code (-l, -d asm), which attach
	// nothing.
	AsWritten bool

	// ProbeFilter (--probe-filter) keeps only the probes whose expanded
	// name it matches, and begin and end.
	ProbeFilter *regexp.Regexp
	// HistSums makes hist and lhist keep each bucket's sum beside its
	// count, for an exact sum of the values (metrics export it as _sum).
	HistSums bool

	// Warnings receives problems of the machine that do not stop the
	// compilation, such as tracefs failing to mount (nil: os.Stderr).
	Warnings io.Writer

	// Timings, when set, records how long each phase took (check with
	// its BTF reads, codegen, load, attach, detach, print, close) and the
	// verifier's instruction counts, for the program's runs too (-v).
	Timings *Timings
}

// Timings records the time of each phase of a compilation and its runs;
// Write prints them as -v does.
type Timings = phase.Timings

// Program is a compiled script, ready to run any number of times.
type Program struct {
	script *Script
	opts   Options
	spec   *plan.Spec
}

// Compile checks s against the running kernel and compiles it. It leaves
// s as it is. Errors in the script are a *ScriptError; a missing -p
// process is a plain error.
func Compile(s *Script, opts Options) (*Program, error) {
	if opts.Command != "" && opts.Pid != 0 {
		return nil, errors.New("-c and -p cannot be used together")
	}
	if opts.Pid > 0 {
		// Before anything is compiled or attached: a one-line error.
		if err := syscall.Kill(opts.Pid, 0); err == syscall.ESRCH {
			return nil, fmt.Errorf("-p %d: no such process", opts.Pid)
		}
	}
	if os.Geteuid() == 0 {
		if _, err := tracefs.Mount(); err != nil {
			warn := opts.Warnings
			if warn == nil {
				warn = os.Stderr
			}
			fmt.Fprintf(warn, "sonde: warning: %v\n", err)
		}
	}
	machine := host.New()
	machine.Time(opts.Timings)
	machine.DebugInfo(opts.DebugDirs...)
	copts := machine.CompilerOptions()
	copts.Phases = opts.Timings
	if !opts.AsWritten {
		copts.ProbeSupport = ProbeSupport
	}
	copts.Headers = host.Headers(s.AST, host.HeaderOptions{Include: opts.IncludeFiles, Dirs: opts.IncludeDirs, NoStdinc: opts.NoStdinc})
	copts.Args, copts.Params = opts.Args, opts.Params
	copts.Unsafe, copts.Pid, copts.HasChild = opts.Unsafe, opts.Pid, opts.Command != ""
	copts.ProbeFilter = opts.ProbeFilter
	copts.HistSums = opts.HistSums
	spec, err := compiler.Compile(s.AST, copts)
	machine.Save()
	if err != nil {
		return nil, s.errorOf(err)
	}
	return &Program{script: s, opts: opts, spec: spec}, nil
}

// Script is the script the program was compiled from.
func (p *Program) Script() *Script { return p.script }

// Spec is the compiled artifact: programs, maps and the plan the runtime
// follows.
func (p *Program) Spec() *plan.Spec { return p.spec }

// Notes are one-line notices about how the script will run, such as a
// kprobe running as fentry on a kernel without kprobes.
func (p *Program) Notes() []string { return p.spec.Notes }

// Details are one-line notices for -v, such as which syscall tracepoints
// run from one dispatching program and why others do not.
func (p *Program) Details() []string { return p.spec.Details }

// Warnings are the compiler's warnings about the script, one line each,
// located as warnf() and the runtime's warnings are:
// "stdin:1:25-31: WARNING: Unreachable statement...".
func (p *Program) Warnings() []string {
	var out []string
	for _, w := range p.spec.Warnings {
		at := fmt.Sprintf("%s:%d:%d", p.script.Name, w.Pos.Line, w.Pos.Col)
		if w.End.Line == w.Pos.Line && w.End.Col > w.Pos.Col {
			at += fmt.Sprintf("-%d", w.End.Col)
		}
		out = append(out, at+": WARNING: "+w.Msg)
	}
	return out
}

// ParamError is a mistake in the named program parameters given on the
// command line, or -- --help asking for the ones the script reads.
type ParamError = compiler.ParamError

// Probes lists what the script attaches to, one attachment per line as
// `sonde -l script` prints them: each function of a kprobe wildcard, a
// timer or perf event without its rate or count (interval:ms:,
// software:cpu:), as bpftrace lists them.
func (p *Program) Probes() []string {
	var out []string
	for _, pr := range p.spec.Plan.Probes {
		if len(pr.Symbols) == 0 {
			out = append(out, listedName(pr))
			continue
		}
		for _, s := range pr.Symbols {
			out = append(out, pr.Provider+":"+s)
		}
	}
	return out
}

// Asm is the generated BPF of every program, each instruction group under
// the script text it was compiled from (-d asm).
func (p *Program) Asm() string {
	var b strings.Builder
	for _, pr := range p.spec.Programs {
		name := pr.Probe.Name
		if len(pr.Tails) > 0 {
			name = fmt.Sprintf("%s (dispatching %d probes through %s)", name, len(pr.Tails), pr.Table)
		}
		fmt.Fprintf(&b, "%s:\n%v\n", name, pr.Spec.Instructions)
		for _, t := range pr.Tails {
			fmt.Fprintf(&b, "%s (%s[%d]):\n%v\n", t.Program.Probe.Name, pr.Table, t.Slot, t.Program.Spec.Instructions)
		}
	}
	return b.String()
}

// ScriptError is a failure traced back to the script: its diagnostics,
// sorted by position, and the source they point into.
type ScriptError struct {
	Name        string
	Source      []byte
	Diagnostics diag.List
	// Err is a failure of the script that has no position (a program
	// parameter the script never reads); Diagnostics is empty then.
	Err error
}

// errorOf makes err a *ScriptError of s.
func (s *Script) errorOf(err error) error {
	e := &ScriptError{Name: s.Name, Source: s.Source}
	var l diag.List
	var d *diag.Diagnostic
	switch {
	case errors.As(err, &l):
		e.Diagnostics = l
	case errors.As(err, &d):
		e.Diagnostics = diag.List{d}
	default:
		e.Err = err
	}
	return e
}

// Error is the first line, as go/scanner's ErrorList says it.
func (e *ScriptError) Error() string {
	if len(e.Diagnostics) == 0 {
		return fmt.Sprintf("%s: error: %v", e.Name, e.Err)
	}
	return e.Diagnostics.Error()
}

// Unwrap returns the diagnostics (or Err), for errors.As and errors.Is.
func (e *ScriptError) Unwrap() error {
	if len(e.Diagnostics) == 0 {
		return e.Err
	}
	return e.Diagnostics
}

// Render writes every diagnostic in the long form, the source line with a
// caret under the span and the hints:
//
//	stdin:1:56: error: tracepoint syscalls:sys_enter_openat has no field filenme
//	  1 | tracepoint:syscalls:sys_enter_openat { printf("%s\n", args.filenme); }
//	    |                                                        ^~~~~~~~~~~~
//	  = hint: did you mean args.filename?
func (e *ScriptError) Render(w io.Writer) {
	if len(e.Diagnostics) == 0 {
		fmt.Fprintln(w, e.Error())
		return
	}
	e.Diagnostics.Render(w, diag.Sources(map[string][]byte{e.Name: e.Source}))
}

// ProbeSupport says whether this kernel runs a probe type (or
// provider.FeatureKprobeMulti): nil, or why not. The compiler picks the
// kprobe/fentry fallbacks with it. SONDE_NO_FEATURE (comma-separated:
// kprobe, kretprobe, fentry, fexit, kprobe_multi), like bpftrace's
// --no-feature, pretends the kernel lacks them, to exercise the fallbacks;
// SONDE_NO_KPROBE_MULTI=1 is short for kprobe_multi.
func ProbeSupport(name string) error {
	if name == provider.FeatureKprobeMulti && os.Getenv("SONDE_NO_KPROBE_MULTI") != "" {
		return errors.New("kprobe_multi: turned off by SONDE_NO_KPROBE_MULTI")
	}
	for _, f := range strings.Split(os.Getenv("SONDE_NO_FEATURE"), ",") {
		if strings.TrimSpace(f) == name {
			return fmt.Errorf("%s: turned off by SONDE_NO_FEATURE", name)
		}
	}
	return attach.Supported(name)
}

// Info writes which probe types and features this kernel supports
// (sonde info).
func Info(w io.Writer) { attach.Info(w) }

// MaybeExecChild must be called first thing in main by a program that
// runs scripts with Options.Command: in the held copy of the program it
// waits for the probes to be attached, then becomes the command. It
// returns at once in the program itself.
func MaybeExecChild() { runtime.MaybeExecChild() }

// listedName is a probe as -l shows it: timers and perf events without
// their rate or count.
func listedName(p plan.Probe) string {
	d, ok := provider.Lookup(p.Provider)
	if ok && (d.Expand == provider.ExpandRate || d.Expand == provider.ExpandPerfEvent) {
		if i := strings.LastIndex(p.Name, ":"); i > 0 {
			return p.Name[:i+1]
		}
	}
	return p.Name
}
