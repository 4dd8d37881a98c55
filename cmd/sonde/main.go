// Command sonde is a tracing language for Linux: bpftrace's language plus a
// declarative form, compiled straight to eBPF.
//
//	sonde -e 'tp:syscalls:sys_enter_execve < count() >'
//	sonde script.sd [args...]
//	sonde -l 'tracepoint:syscalls:*'
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	// The library the command is flags around; the tests name a helper sonde.
	lib "sonde"
	"sonde/picture"
	"sonde/runtime/output"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0"

const usage = `USAGE:
    sonde [options] FILE [ARGS...]
    sonde [options] -e PROGRAM [ARGS...]
    sonde [options] - (program on stdin)
    sonde -l [PATTERN | FILE]
    sonde info     (= --info)
    sonde help [NAME]  describe a builtin, function, probe type, config key or format

OPTIONS:
  -e PROGRAM     run PROGRAM
  -l [PATTERN]   list probes matching PATTERN (wildcards), or those a script attaches
  -v             verbose: time of each phase and verifier counts; with -l,
                 show probe arguments
  -f FORMAT      output format: text (default), json, or folded (stack maps as
                 FlameGraph folded lines, other maps as text)
  --flamegraph FILE.svg
                 at exit, draw each map keyed by a stack as an interactive SVG
                 flame graph (FILE-NAME.svg per map when there are several)
  --report FILE.html
                 at exit, write one HTML page with every map drawn and the run's facts
  -o FILE        write output to FILE
  -q             quiet: no "Attached N probes" message
  --metrics ADDR serve the maps as Prometheus metrics at http://ADDR/metrics
                 while the script runs (until SIGINT/SIGTERM, exit(), or the
                 end of -c/-p); maps are not printed at exit
  -c CMD         run CMD, tracing it from its first instruction; exit when it exits
  -p PID         trace only process PID
  -d STAGE       print a compilation stage and exit: ast, asm
  -I DIR         look for #include headers in DIR first (also -IDIR)
  --include H    include header H, as #include <H> in the script would
  -nostdinc      read no system or kernel headers, only -I ones (and the built-in table)
  --dry-run      load and attach, then exit without tracing
  --unsafe       allow unsafe functions (system, signal)
  --debuginfo DIR
                 look for separate debug files of user binaries in DIR first
                 (repeatable); then by build ID and .gnu_debuglink as gdb does
  --no-warnings  print no warnings (warnf, skipped probes, full maps)
  --probe-filter REGEX
                 attach only the probes whose name matches REGEX (and begin, end)
  --info         print which probe types and features this kernel supports
  -V, --version  print the version
  -h, --help     print this help

Script arguments: $1, $2... after the program; after --, --name=value
parameters are read with getopt("name", default). Options may follow the
program too, up to --.
`

type options struct {
	program string
	hasProg bool
	file    string
	args    []string
	params  map[string]string // --name[=value] after the script, for getopt
	list    bool
	listArg string
	verbose bool
	format  string
	outFile string
	quiet   bool
	cmd     string
	pid     int
	debug   string
	dryRun  bool
	unsafe  bool
	noWarn  bool // --no-warnings
	// --probe-filter: only the probes whose name matches (and begin, end).
	probeFilter *regexp.Regexp
	info        bool
	showHelp    bool
	showVer     bool
	incDirs     []string // -I
	incFiles    []string // --include
	nostdinc    bool
	// --flamegraph and --report: files drawn at exit.
	flamegraph string
	report     string
	debugDirs  []string // --debuginfo
	metrics    string   // --metrics ADDR
}

func main() {
	lib.MaybeExecChild()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// fileExists tells whether a script file of that name is in the current
// directory: `sonde info` and `sonde help` run it when there is one.
func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(argv) >= 1 && argv[0] == "help" && !fileExists("help") {
		return help(argv[1:], stdout, stderr)
	}
	if len(argv) == 1 && argv[0] == "info" {
		// `sonde info` is --info, unless a script file named info exists.
		if !fileExists("info") {
			argv = []string{"--info"}
		}
	}
	opts, err := parseArgs(argv)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n\n%s", err, usage)
		return 2
	}
	switch {
	case opts.showHelp:
		fmt.Fprint(stdout, usage)
		return 0
	case opts.showVer:
		fmt.Fprintf(stdout, "sonde v%s\n", version)
		return 0
	case opts.info:
		lib.Info(stdout)
		return 0
	case opts.list && !opts.hasProg && !isScriptFile(opts.listArg):
		return list(opts, stdout, stderr)
	}
	name, src, err := readProgram(opts, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR: %v\n", err)
		return 1
	}
	var timings *lib.Timings
	if opts.verbose && !opts.list {
		timings = &lib.Timings{}
	}
	t0 := time.Now()
	script, err := lib.Parse(name, src)
	timings.Since("parse", t0)
	if err != nil {
		return fail(stderr, err)
	}
	if opts.debug == "ast" {
		fmt.Fprintln(stdout, script.Dump())
		return 0
	}
	if !opts.list && opts.debug == "" && !privileged() {
		fmt.Fprintln(stderr, "sonde: tracing needs root, or the CAP_BPF and CAP_PERFMON capabilities")
		return 1
	}
	prog, err := lib.Compile(script, lib.Options{
		Args: opts.args, Params: opts.params, Unsafe: opts.unsafe,
		Command: opts.cmd, Pid: opts.pid, Warnings: stderr,
		IncludeDirs: opts.incDirs, IncludeFiles: opts.incFiles, NoStdinc: opts.nostdinc,
		DebugDirs:   opts.debugDirs,
		ProbeFilter: opts.probeFilter,
		// Listing a script's probes or showing its code does not attach:
		// compile for the probe types as written, whatever this kernel has.
		AsWritten: opts.list || opts.debug != "",
		HistSums:  opts.metrics != "", // exact histogram _sum
		Timings:   timings,
	})
	var perr *lib.ParamError
	if errors.As(err, &perr) {
		printParamError(stderr, perr)
		return 1
	}
	if err != nil {
		return fail(stderr, err)
	}
	if opts.list {
		for _, p := range prog.Probes() {
			fmt.Fprintln(stdout, p)
		}
		return 0
	}
	if err := checkPictures(opts, prog.Spec()); err != nil {
		fmt.Fprintf(stderr, "sonde: %v\n", err)
		return 1
	}
	if !opts.noWarn {
		for _, n := range prog.Notes() {
			fmt.Fprintf(stderr, "sonde: note: %s\n", n)
		}
		for _, w := range prog.Warnings() {
			fmt.Fprintln(stderr, w)
		}
	}
	if opts.verbose {
		for _, n := range prog.Details() {
			fmt.Fprintf(stderr, "sonde: %s\n", n)
		}
	}
	if opts.debug == "asm" {
		fmt.Fprint(stdout, prog.Asm())
		return 0
	}
	return execute(opts, prog, timings, stdout, stderr)
}

func execute(opts *options, prog *lib.Program, timings *lib.Timings, stdout, stderr io.Writer) int {
	var w io.Writer = stdout
	if opts.outFile != "" {
		f, err := os.Create(opts.outFile)
		if err != nil {
			fmt.Fprintf(stderr, "sonde: %v\n", err)
			return 1
		}
		defer f.Close()
		w = f
	}
	// The runtime flushes bw whenever it has drained the event ring, so
	// output shows promptly while a burst of events costs one write per
	// buffer.
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	errw := &flushFirst{bw: bw, w: stderr}
	ro := lib.RunOptions{Stdout: bw, Stderr: errw, Format: opts.format, Quiet: opts.quiet, DryRun: opts.dryRun, NoWarnings: opts.noWarn}
	var rec *picture.Recorder
	if opts.flamegraph != "" || opts.report != "" {
		// The pictures record what the format prints, to draw it at exit.
		ro.Output = func(env *output.Env) output.Output {
			out, _ := prog.NewOutput(opts.format, bw, errw, env) // parseArgs checked the name
			rec = picture.NewRecorder(out, env, opts.flamegraph != "", opts.report != "")
			return rec
		}
	}
	// SIGINT, SIGTERM and a hangup end the run as exit() does: end probes,
	// maps, detach. (Under nohup, SIGHUP stays ignored: Notify would undo
	// that.)
	sigs := []os.Signal{syscall.SIGINT, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	defer stop()
	var res *lib.Result
	var err error
	if opts.metrics != "" {
		res, err = serveMetrics(ctx, opts, prog, ro, errw)
	} else {
		res, err = prog.Run(ctx, ro)
	}
	bw.Flush()
	timings.Write(errw)
	if err == nil && rec != nil {
		err = drawPictures(opts, rec, prog, stderr)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return res.ExitCode
}

// fail prints a failure: a script error with the source line and a
// caret, anything else on one line.
func fail(stderr io.Writer, err error) int {
	var se *lib.ScriptError
	if errors.As(err, &se) {
		se.Render(stderr)
	} else {
		fmt.Fprintf(stderr, "sonde: %v\n", err)
	}
	return 1
}

// flushFirst flushes buffered stdout before writing to stderr, so messages
// keep their order on a shared terminal.
type flushFirst struct {
	bw *bufio.Writer
	w  io.Writer
}

func (f *flushFirst) Write(p []byte) (int, error) {
	f.bw.Flush()
	return f.w.Write(p)
}

func isScriptFile(s string) bool {
	if s == "" || strings.ContainsAny(s, "*?") {
		return false
	}
	if strings.HasSuffix(s, ".bt") || strings.HasSuffix(s, ".sd") {
		st, err := os.Stat(s)
		return err == nil && st.Mode().IsRegular()
	}
	return false
}

func readProgram(opts *options, stdin io.Reader) (string, []byte, error) {
	switch {
	case opts.hasProg:
		return "stdin", []byte(opts.program), nil
	case opts.list && isScriptFile(opts.listArg):
		b, err := os.ReadFile(opts.listArg)
		return opts.listArg, b, err
	case opts.file == "-":
		b, err := io.ReadAll(stdin)
		return "stdin", b, err
	case opts.file != "":
		b, err := os.ReadFile(opts.file)
		var errno syscall.Errno
		if errors.As(err, &errno) {
			// As bpftrace words it, with the C library's message.
			msg := errno.Error()
			err = fmt.Errorf("failed to open file '%s': %s", opts.file, strings.ToUpper(msg[:1])+msg[1:])
		}
		return opts.file, b, err
	}
	return "", nil, errors.New("no program given: use -e PROGRAM, a script file, or - for stdin")
}

// parseArgs reads bpftrace-style arguments: short flags may be combined
// (-lv), and everything after the script is the script's arguments.
func parseArgs(argv []string) (*options, error) {
	o := &options{format: "text"}
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			// Everything after -- belongs to the script: positional
			// arguments and named parameters (--name=value, for getopt).
			o.addScriptArgs(argv[i+1:])
			break
		}
		if (o.file != "" || o.hasProg) && !isOption(a) {
			// Options may follow the program, as with getopt; the rest
			// up to -- are the script's positional arguments.
			o.addScriptArgs([]string{a})
			continue
		}
		next := func() (string, error) {
			if i+1 >= len(argv) {
				return "", fmt.Errorf("%s needs a value", a)
			}
			i++
			return argv[i], nil
		}
		var err error
		switch {
		case a == "--":
			o.args = append(o.args, argv[i+1:]...)
			i = len(argv)
		case a == "-e":
			o.program, err = next()
			o.hasProg = true
		case a == "-f":
			o.format, err = next()
			if o.format != "text" && o.format != "json" && o.format != "folded" {
				return nil, fmt.Errorf("Invalid output format %q\nHINT: use text, json or folded", o.format)
			}
		case a == "--flamegraph":
			o.flamegraph, err = next()
		case a == "--report":
			o.report, err = next()
		case a == "-o" || a == "--output":
			o.outFile, err = next()
		case a == "-c" || a == "--cmd":
			o.cmd, err = next()
		case a == "-p" || a == "--pid":
			var s string
			s, err = next()
			if err == nil {
				o.pid, err = parsePid(s)
			}
		case a == "-I":
			var d string
			d, err = next()
			o.incDirs = append(o.incDirs, d)
		case a == "-nostdinc" || a == "--nostdinc":
			o.nostdinc = true
		case strings.HasPrefix(a, "-I"):
			o.incDirs = append(o.incDirs, a[2:])
		case a == "--include":
			var h string
			h, err = next()
			o.incFiles = append(o.incFiles, h)
		case a == "-d" || a == "--debug":
			o.debug, err = next()
		case a == "--metrics":
			o.metrics, err = next()
		case a == "--dry-run":
			o.dryRun = true
		case a == "--unsafe":
			o.unsafe = true
		case a == "--debuginfo" || strings.HasPrefix(a, "--debuginfo="):
			dir, ok := strings.CutPrefix(a, "--debuginfo=")
			if !ok {
				dir, err = next()
			}
			o.debugDirs = append(o.debugDirs, dir)
		case a == "--no-warnings":
			o.noWarn = true
		case a == "--probe-filter":
			var re string
			if re, err = next(); err == nil {
				if o.probeFilter, err = regexp.Compile(re); err != nil {
					err = fmt.Errorf("Invalid --probe-filter regex %q: %v", re, err)
				}
			}
		case a == "--info":
			o.info = true
		case a == "-h" || a == "--help":
			o.showHelp = true
		case a == "-V" || a == "--version":
			o.showVer = true
		case a == "-q" || a == "--quiet":
			o.quiet = true
		case a == "-v" || a == "--verbose":
			o.verbose = true
		case a == "-l" || a == "--list" || a == "-lv" || a == "-vl":
			o.list = true
			if a != "-l" && a != "--list" {
				o.verbose = true
			}
			if i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-") {
				i++
				o.listArg = argv[i]
			}
		case a == "-":
			o.file = "-"
		case strings.HasPrefix(a, "-") && len(a) > 1:
			return nil, fmt.Errorf("unknown option %s", a)
		default:
			o.file = a
		}
		if err != nil {
			return nil, err
		}
	}
	if o.cmd != "" && o.pid != 0 {
		return nil, errors.New("-c and -p cannot be used together")
	}

	return o, nil
}

// printParamError reports bad named parameters (or answers -- --help)
// with the ones the script reads, as bpftrace does.
func printParamError(w io.Writer, e *lib.ParamError) {
	opts := e.Expected()
	if e.Msg == "" {
		fmt.Fprintln(w, "HINT: expected program options:")
		for _, o := range opts {
			fmt.Fprintf(w, "  %s\n", o)
		}
		return
	}
	fmt.Fprintf(w, "ERROR: %s\n", e.Msg)
	if len(opts) > 0 {
		fmt.Fprintf(w, "HINT: expected program options: %s\n", strings.Join(opts, ", "))
	}
}

// isOption tells a command-line option from a script argument: a negative
// number is an argument.
func isOption(a string) bool {
	if len(a) < 2 || a[0] != '-' {
		return false
	}
	_, err := strconv.ParseInt(a, 0, 64)
	return err != nil
}

// pidMaxLimit is the kernel's largest possible pid (PID_MAX_LIMIT on
// 64-bit), whatever kernel.pid_max says.
const pidMaxLimit = 4 << 20

// parsePid reads -p's value, saying what is wrong with a bad one as
// bpftrace does.
func parsePid(s string) (int, error) {
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	switch {
	case digits == 0:
		return 0, fmt.Errorf("Failed to parse pid: invalid integer: %s", s)
	case digits < len(s):
		return 0, fmt.Errorf("Failed to parse pid: invalid trailing bytes: %s", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > pidMaxLimit || n == 0 {
		return 0, fmt.Errorf("Pid out of range: %s", s)
	}
	return n, nil
}

// addScriptArgs sorts the script's arguments into positional ones ($1...)
// and named parameters (--name or --name=value).
func (o *options) addScriptArgs(args []string) {
	for _, a := range args {
		name, ok := strings.CutPrefix(a, "--")
		if !ok || name == "" {
			o.args = append(o.args, a)
			continue
		}
		if o.params == nil {
			o.params = map[string]string{}
		}
		name, value, _ := strings.Cut(name, "=")
		o.params[name] = value
	}
}
