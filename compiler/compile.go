// Package compiler type-checks a parsed script against the kernel's facts
// and lowers it straight to eBPF instructions, producing a deterministic
// Spec for the runtime. It opens no file descriptors.
package compiler

import (
	"sonde/plan"

	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/cilium/ebpf"

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
	// ProbeSupport says whether a probe type (or ProviderKprobeMulti) works
	// on this kernel: nil, or an error saying why not. It picks fallbacks
	// (kprobe <-> fentry) before anything is attached. Nil: assume yes.
	ProbeSupport func(provider string) error
	Args         []string          // positional parameters $1..$N
	Params       map[string]string // named program parameters --name[=value], read by getopt
	Env          func(string) string
	Unsafe       bool
	Pid          int // -p: restrict probes to this process
	HasChild     bool
	// HistSums makes hist/lhist maps keep each bucket's sum beside its
	// count (plan.MapInfo.HistSums), as metrics need an exact _sum.
	HistSums bool
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
	usedParams map[string]bool // getopt names read
	cfg        plan.Config
	errs       diag.List
	maps       map[string]*mapState
	insts      []*instance
	spec       *plan.Spec
	plan       *plan.Plan
	pending    bool

	scratchSize int
	usesRingbuf bool
	usesErrors  bool
	usesStart   bool
	stackMaps   map[string]*ebpf.MapSpec
	actionIDs   map[string]int
	curProbe    *ast.Probe // the probe being expanded
	keyFacts    map[string]*keyFacts
}

// Compile checks prog and lowers it to a Spec. Macro calls in prog's
// probes are expanded in place first.
func Compile(prog *ast.Program, opts Options) (*plan.Spec, error) {
	if opts.Env == nil {
		opts.Env = os.Getenv
	}
	if err := macro.Expand(prog); err != nil {
		return nil, err
	}
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
	for _, inst := range c.insts {
		c.check(inst, true)
	}
	if err := c.unusedParams(); err != nil {
		return nil, err
	}
	for name, ms := range c.maps {
		if ms.agg == plan.AggNone && ms.val == nil && ms.decl == nil {
			c.errorAt(ms.first, "", "map %s is never assigned a value", name)
		}
	}
	if c.errs.HasErrors() {
		return nil, c.result()
	}
	c.buildMaps()
	for _, inst := range c.insts {
		c.generate(inst)
	}
	if c.errs.HasErrors() {
		return nil, c.result()
	}
	c.addInternalMaps()
	c.plan.Config = c.cfg
	c.plan.MaxStrlen = c.cfg.MaxStrlen
	return c.spec, nil
}

// configure applies defaults, the config block and BPFTRACE_* variables
// (which win, as in bpftrace).
func (c *compiler) configure(prog *ast.Program) {
	c.cfg = plan.Config{
		MaxMapKeys:       4096,
		MaxStrlen:        1024,
		MaxCatBytes:      10240,
		MissingProbes:    "error",
		PrintMapsOnExit:  true,
		StrTruncTrailer:  "..",
		CacheUserSymbols: "PER_PID",
	}
	set := func(span ast.Span, key string, val ast.Expr) {
		key = strings.ToLower(strings.TrimPrefix(strings.ToUpper(key), "BPFTRACE_"))
		num := func() (int, bool) {
			if v, ok := constInt(val); ok {
				return int(v), true
			}
			if s, ok := val.(*ast.StringLit); ok {
				n, err := strconv.Atoi(s.Value)
				return n, err == nil
			}
			c.errorAt(span, "", "config %s needs an integer", key)
			return 0, false
		}
		word := func() string {
			switch v := val.(type) {
			case *ast.Ident:
				return v.Name
			case *ast.StringLit:
				return v.Value
			case *ast.BoolLit:
				return strconv.FormatBool(v.Value)
			case *ast.IntLit:
				return v.Text
			}
			return ""
		}
		switch key {
		case "max_map_keys", "map_keys_max":
			if n, ok := num(); ok {
				c.cfg.MaxMapKeys = n
			}
		case "max_strlen", "strlen":
			if n, ok := num(); ok {
				c.cfg.MaxStrlen = n
			}
		case "max_cat_bytes", "cat_bytes_max":
			if n, ok := num(); ok {
				c.cfg.MaxCatBytes = n
			}
		case "missing_probes":
			w := word()
			if w != "error" && w != "warn" && w != "ignore" {
				c.errorAt(span, "", "missing_probes must be error, warn or ignore")
			}
			c.cfg.MissingProbes = w
		case "print_maps_on_exit":
			c.cfg.PrintMapsOnExit = word() != "false" && word() != "0"
		case "str_trunc_trailer":
			c.cfg.StrTruncTrailer = word()
		case "stack_mode":
			switch word() {
			case "bpftrace":
				c.cfg.StackMode = types.StackBpftrace
			case "perf":
				c.cfg.StackMode = types.StackPerf
			case "raw":
				c.cfg.StackMode = types.StackRaw
			default:
				c.errorAt(span, "", "stack_mode must be bpftrace, perf or raw")
			}
		case "perf_rb_pages":
			if n, ok := num(); ok {
				c.cfg.PerfRingPages = n
			}
		case "cache_user_symbols":
			c.cfg.CacheUserSymbols = word()
		case "max_probes", "max_bpf_progs", "log_size", "on_stack_limit", "license",
			"cpp_demangle", "lazy_symbolication", "show_debug_info", "use_blazesym",
			"unstable_tseries", "unstable_dw_ustack", "unstable_typeinfo", "unstable_import_statement":
			// Accepted for compatibility; they do not change sonde's output.
		default:
			c.errorAt(span, "", "unknown config variable %s", key)
		}
	}
	for _, it := range prog.Config {
		set(it.Span(), it.Name, it.Value)
	}
	for _, key := range []string{"MAX_MAP_KEYS", "MAP_KEYS_MAX", "MAX_STRLEN", "STRLEN", "MAX_CAT_BYTES", "MISSING_PROBES", "PRINT_MAPS_ON_EXIT", "STR_TRUNC_TRAILER", "STACK_MODE", "PERF_RB_PAGES", "CACHE_USER_SYMBOLS"} {
		if v := c.opts.Env("BPFTRACE_" + key); v != "" {
			var e ast.Expr = &ast.StringLit{Value: v}
			set(ast.Span{Start: ast.Pos{File: "BPFTRACE_" + key, Line: 1, Col: 1}}, key, e)
		}
	}
	if c.cfg.MaxStrlen < 1 {
		c.cfg.MaxStrlen = 1
	}
	if c.cfg.MaxStrlen > 4096 {
		c.errorAt(ast.Span{}, "", "max_strlen %d is too large; the limit is 4096", c.cfg.MaxStrlen)
	}
}

// unusedParams rejects named parameters the script never reads, as
// bpftrace does: a misspelt --flag must not be silently ignored.
func (c *compiler) unusedParams() error {
	var unused []string
	for name := range c.opts.Params {
		if !c.usedParams[name] {
			unused = append(unused, "--"+name)
		}
	}
	if len(unused) == 0 || c.errs.HasErrors() {
		return nil
	}
	sort.Strings(unused)
	return fmt.Errorf("program parameters not read by the script (getopt): %s", strings.Join(unused, ", "))
}
