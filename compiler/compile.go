// Package compiler type-checks a parsed script against the kernel's facts
// and lowers it straight to eBPF instructions, producing a deterministic
// Spec for the runtime. It opens no file descriptors.
package compiler

import (
	"sonde/plan"

	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cilium/ebpf"

	"sonde/internal/phase"

	"sonde/lang/ast"
	"sonde/lang/diag"
	"sonde/lang/macro"
	"sonde/types"
)

// Options are the inputs of a compilation besides the script.
type Options struct {
	Facts       Facts
	KernelTypes KernelTypes // nil: no BTF
	Symbols     Symbols     // nil: kaddr unavailable
	UserSymbols UserSymbols // nil: uprobes unavailable
	KernelFuncs KernelFuncs // nil: no kernel function list or prototypes
	UserTypes   UserTypes   // nil: no types from user binaries' DWARF
	Headers     Headers     // nil: #include gives no constants
	// ProbeSupport says whether a probe type (or provider.FeatureKprobeMulti) works
	// on this kernel: nil, or an error saying why not. It picks fallbacks
	// (kprobe <-> fentry) before anything is attached. Nil: assume yes.
	ProbeSupport func(provider string) error
	Args         []string          // positional parameters $1..$N
	Params       map[string]string // named program parameters --name[=value], read by getopt
	Env          func(string) string
	Unsafe       bool
	Pid          int // -p: restrict probes to this process
	// ProbeFilter (--probe-filter) keeps only the probes whose expanded
	// name it matches, and the ones sonde runs itself (begin, end).
	ProbeFilter *regexp.Regexp
	HasChild    bool
	// HistSums makes hist/lhist maps keep each bucket's sum beside its
	// count (plan.MapInfo.HistSums), as metrics need an exact _sum.
	HistSums bool
	Phases   *phase.Timings // -v: check and codegen times; nil records nothing
}

// Positional returns $n ("" when missing).
func (o *Options) Positional(n int) string {
	if n >= 1 && n <= len(o.Args) {
		return o.Args[n-1]
	}
	return ""
}

type compiler struct {
	opts       Options
	usedParams map[string]string // getopt names read: their descriptions
	paramErr   string            // the first bad value given for one
	cfg        plan.Config
	errs       diag.List
	maps       map[string]*mapState
	insts      []*instance
	spec       *plan.Spec
	plan       *plan.Plan
	pending    bool
	// selfReads are maps assigned from their own value (`@n = @n + 1`),
	// which type from nothing else until readsAsZero says they hold ints.
	selfReads map[string]*ast.MapRef

	programTypes map[string]KernelTypes // by binary: its DWARF types over the kernel's (usertypes.go)

	scratchSize int
	usesRingbuf bool
	usesErrors  bool
	usesGlobals bool
	stackMaps   map[string]*ebpf.MapSpec
	actionIDs   map[string]int
	curProbe    *ast.Probe // the probe being expanded
	keyFacts    map[string]*keyFacts
}

// readsAsZero gives the maps that only their own assignments read
// (`@bytes = @bytes + n`, and nothing else types @bytes) integer values,
// as bpftrace does: such a map reads as zero the first time. It reports
// whether it typed any.
func (c *compiler) readsAsZero() bool {
	typed := false
	for name, ref := range c.selfReads {
		ms := c.mapFor(name, ref)
		if ms.val == nil && ms.agg == nil && ms.decl == nil {
			ms.val, typed = types.Int64, true
		}
	}
	return typed
}

// Compile checks prog and lowers it to a Spec, expanding macro calls on
// the way. It leaves prog as it is, so one parsed script compiles any
// number of times.
func Compile(prog *ast.Program, opts Options) (*plan.Spec, error) {
	if opts.Env == nil {
		opts.Env = os.Getenv
	}
	// -v: the time until codegen is check's, the rest codegen's.
	t0, current := time.Now(), "check"
	defer func() { opts.Phases.Since(current, t0) }()
	prog, err := macro.Expand(prog)
	if err != nil {
		return nil, err
	}
	bindPositionals(prog, opts.Args)
	ternaryStatements(prog)
	c := &compiler{
		opts:      opts,
		maps:      map[string]*mapState{},
		spec:      &plan.Spec{},
		plan:      &plan.Plan{},
		stackMaps: map[string]*ebpf.MapSpec{},
		actionIDs: map[string]int{},
	}
	c.spec.Plan = c.plan
	c.configure(prog)
	c.warnUnreachable(prog)
	// Script enums go under the script's structs, whose members may use them.
	c.opts.KernelTypes = withScriptTypes(c.withScriptEnums(c.opts.KernelTypes, prog), prog)
	for _, d := range prog.MapDecls {
		ms := &mapState{name: mapName(d.Name), decl: d, first: d.Span()}
		switch d.Kind {
		case "hash", "lruhash", "percpuhash", "percpulruhash":
		default:
			c.errorAt(d.Span(), "", "unknown map kind %s; use hash, lruhash, percpuhash or percpulruhash", d.Kind)
		}
		c.maps[ms.name] = ms
	}
	c.expand(prog)
	c.checkIterAlone(prog)
	if c.errs.HasErrors() {
		return nil, c.result()
	}
	// Map types can come from probes later in the script than their first
	// read, so check until nothing is pending, then once more to report.
	for i := 0; i < 3; i++ {
		c.pending = false
		for _, inst := range c.insts {
			c.check(inst, false)
		}
		if !c.pending {
			break
		}
	}
	if c.readsAsZero() {
		for _, inst := range c.insts {
			c.check(inst, false)
		}
	}
	for _, inst := range c.insts {
		c.check(inst, true)
	}
	if err := c.checkParams(); err != nil {
		return nil, err
	}
	for name, ms := range c.maps {
		if ms.agg == nil && ms.val == nil && ms.decl == nil {
			c.errorAt(ms.first, "", "map %s is never assigned a value", name)
		}
	}
	if c.errs.HasErrors() {
		return nil, c.result()
	}
	opts.Phases.Since(current, t0)
	t0, current = time.Now(), "codegen"
	c.buildMaps()
	for _, inst := range c.insts {
		c.generate(inst)
	}
	if c.errs.HasErrors() {
		return nil, c.result()
	}
	c.dispatchSyscalls()
	c.addInternalMaps()
	c.plan.Config = c.cfg
	return c.spec, nil
}

// ParamError is a mistake in the named program parameters given on the
// command line (not in the script), or --help asking for them.
type ParamError struct {
	Msg     string            // "" for --help
	Options map[string]string // the parameters the script reads: their descriptions
}

func (e *ParamError) Error() string {
	if e.Msg == "" {
		return "the program's options were asked for (--help)"
	}
	return e.Msg
}

// Expected lists the parameters the script reads, sorted: "--name" or
// "--name: description".
func (e *ParamError) Expected() []string {
	var out []string
	for _, n := range slices.Sorted(maps.Keys(e.Options)) {
		if d := e.Options[n]; d != "" {
			out = append(out, "--"+n+": "+d)
		} else {
			out = append(out, "--"+n)
		}
	}
	return out
}

// checkParams rejects named parameters the script never reads, as
// bpftrace does: a misspelt --flag must not be silently ignored. A --help
// the script does not read asks for the parameters it does.
func (c *compiler) checkParams() error {
	if c.errs.HasErrors() {
		return nil
	}
	if c.paramErr != "" {
		return &ParamError{Msg: c.paramErr, Options: c.usedParams}
	}
	var unused []string
	for name := range c.opts.Params {
		if _, read := c.usedParams[name]; !read {
			if name == "help" {
				return &ParamError{Options: c.usedParams}
			}
			unused = append(unused, "--"+name)
		}
	}
	if len(unused) == 0 {
		return nil
	}
	sort.Strings(unused)
	return &ParamError{Msg: "unexpected program command line options: " + strings.Join(unused, ", "), Options: c.usedParams}
}
