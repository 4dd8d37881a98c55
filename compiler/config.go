package compiler

import (
	"slices"
	"strconv"
	"strings"

	"sonde/lang/ast"
	"sonde/plan"
	"sonde/types"
)

// ConfigKey is one setting of the config block (`config = { name = value }`),
// which most keys also read from a BPFTRACE_* environment variable. Each key
// is defined here once: how it is written, what it does and how it is
// applied, so the reference (docs/reference.md) documents it where it is
// defined.
type ConfigKey struct {
	Name    string
	Aliases []string // older spellings, accepted too
	Value   string   // how the value is written: N, "text", error|warn|ignore
	Default string   // "" when the key changes nothing in sonde
	Doc     string
	// Env lists the environment variables that set the key; they win over
	// the config block, as in bpftrace.
	Env     []string
	Example string // a whole script using it; the tests compile every one

	apply func(v configValue)
}

// configValue is a value being applied: in a config block or from the
// environment (a string), at span.
type configValue struct {
	c    *compiler
	span ast.Span
	key  string
	expr ast.Expr
}

// int reads an integer, from a literal or a numeric string.
func (v configValue) int() (int, bool) {
	if n, ok := constInt(v.expr); ok {
		return int(n), true
	}
	if s, ok := v.expr.(*ast.StringLit); ok {
		n, err := strconv.Atoi(s.Value)
		return n, err == nil
	}
	v.c.errorAt(v.span, "", "config %s needs an integer", v.key)
	return 0, false
}

// word reads a name, a string, a bool or an integer as text.
func (v configValue) word() string {
	switch e := v.expr.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StringLit:
		return e.Value
	case *ast.BoolLit:
		return strconv.FormatBool(e.Value)
	case *ast.IntLit:
		return e.Text
	}
	return ""
}

func setInt(field func(*plan.Config) *int) func(configValue) {
	return func(v configValue) {
		if n, ok := v.int(); ok {
			*field(&v.c.cfg) = n
		}
	}
}

// compatKey is a bpftrace setting sonde accepts and ignores: the script
// runs unchanged, and nothing in sonde's output depends on it.
func compatKey(name, value, why string) ConfigKey {
	return ConfigKey{Name: name, Value: value, Doc: "accepted for compatibility with bpftrace; no effect in sonde: " + why,
		Example: "config = { " + name + " = " + strings.SplitN(value, "|", 2)[0] + " }\nBEGIN { exit(); }",
		apply:   func(configValue) {}}
}

var configKeys = []ConfigKey{
	{Name: "max_map_keys", Aliases: []string{"map_keys_max"}, Value: "N", Default: "4096",
		Doc:     "the number of keys a map holds; updates past it fail and are counted, and sonde reports them at exit",
		Env:     []string{"BPFTRACE_MAX_MAP_KEYS", "BPFTRACE_MAP_KEYS_MAX"},
		Example: "config = { max_map_keys = 100000 }\ntracepoint:syscalls:sys_enter_openat { @[pid, tid] = count(); }",
		apply:   setInt(func(c *plan.Config) *int { return &c.MaxMapKeys })},
	{Name: "max_strlen", Aliases: []string{"strlen"}, Value: "N", Default: "1024",
		Doc:     "the longest string str() and friends read, in bytes (1 to 4096)",
		Env:     []string{"BPFTRACE_MAX_STRLEN", "BPFTRACE_STRLEN"},
		Example: "config = { max_strlen = 64 }\ntracepoint:syscalls:sys_enter_openat { @[str(args.filename)] = count(); }",
		apply:   setInt(func(c *plan.Config) *int { return &c.MaxStrlen })},
	{Name: "max_cat_bytes", Aliases: []string{"cat_bytes_max"}, Value: "N", Default: "10240",
		Doc:     "the most bytes cat() prints of a file",
		Env:     []string{"BPFTRACE_MAX_CAT_BYTES"},
		Example: "config = { max_cat_bytes = 100 }\nBEGIN { cat(\"/proc/loadavg\"); exit(); }",
		apply:   setInt(func(c *plan.Config) *int { return &c.MaxCatBytes })},
	{Name: "missing_probes", Value: "error|warn|ignore", Default: "error",
		Doc:     "what to do when a probe cannot be attached: stop with an error, warn and go on, or go on silently",
		Env:     []string{"BPFTRACE_MISSING_PROBES"},
		Example: "config = { missing_probes = warn }\ntracepoint:syscalls:sys_enter_openat { @ = count(); }",
		apply: func(v configValue) {
			w := v.word()
			if w != "error" && w != "warn" && w != "ignore" {
				v.c.errorAt(v.span, "", "missing_probes must be error, warn or ignore")
			}
			v.c.cfg.MissingProbes = w
		}},
	{Name: "print_maps_on_exit", Value: "true|false", Default: "true",
		Doc:     "whether the maps are printed when the run ends",
		Env:     []string{"BPFTRACE_PRINT_MAPS_ON_EXIT"},
		Example: "config = { print_maps_on_exit = false }\ntracepoint:syscalls:sys_enter_openat { @ = count(); }\nEND { print(@); }",
		apply: func(v configValue) {
			v.c.cfg.PrintMapsOnExit = v.word() != "false" && v.word() != "0"
		}},
	{Name: "str_trunc_trailer", Value: `"text"`, Default: `".."`,
		Doc:     "what a string cut at max_strlen ends with when printed",
		Env:     []string{"BPFTRACE_STR_TRUNC_TRAILER"},
		Example: "config = { str_trunc_trailer = \"~\"; max_strlen = 8 }\ntracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args.filename)); }",
		apply:   func(v configValue) { v.c.cfg.StrTruncTrailer = v.word() }},
	{Name: "stack_mode", Value: "bpftrace|perf|raw", Default: "bpftrace",
		Doc:     "how kstack and ustack print when no mode is given: func+off per line (bpftrace), address and symbol (perf), or addresses (raw)",
		Env:     []string{"BPFTRACE_STACK_MODE"},
		Example: "config = { stack_mode = perf }\nprofile:hz:99 { @[kstack] = count(); }",
		apply: func(v configValue) {
			switch v.word() {
			case "bpftrace":
				v.c.cfg.StackMode = types.StackBpftrace
			case "perf":
				v.c.cfg.StackMode = types.StackPerf
			case "raw":
				v.c.cfg.StackMode = types.StackRaw
			default:
				v.c.errorAt(v.span, "", "stack_mode must be bpftrace, perf or raw")
			}
		}},
	{Name: "perf_rb_pages", Value: "N", Default: "the kernel's default for sonde's event ring",
		Doc:     "the size of the event ring buffer, in 4 KiB pages; raise it when events are lost",
		Env:     []string{"BPFTRACE_PERF_RB_PAGES"},
		Example: "config = { perf_rb_pages = 512 }\ntracepoint:syscalls:sys_enter_openat { printf(\"%d\\n\", pid); }",
		apply:   setInt(func(c *plan.Config) *int { return &c.PerfRingPages })},
	{Name: "cache_user_symbols", Value: "PER_PID|PER_PROGRAM|NONE", Default: "PER_PID",
		Doc:     "accepted for compatibility with bpftrace; sonde symbolizes a user stack in its own process's mappings",
		Env:     []string{"BPFTRACE_CACHE_USER_SYMBOLS"},
		Example: "config = { cache_user_symbols = PER_PID }\nBEGIN { exit(); }",
		apply:   func(configValue) {}}, // nothing reads it: there is nothing to store
	compatKey("max_probes", "N", "sonde attaches what the script names"),
	compatKey("max_bpf_progs", "N", "sonde loads what the script needs"),
	compatKey("log_size", "N", "sonde sizes the verifier log itself"),
	compatKey("on_stack_limit", "N", "sonde moves values that do not fit the stack to per-CPU scratch memory"),
	compatKey("license", `"GPL"`, "sonde's programs are GPL"),
	compatKey("cpp_demangle", "true|false", "C++ names are always demangled"),
	compatKey("lazy_symbolication", "true|false", "symbols are read when first needed"),
	compatKey("show_debug_info", "true|false", "-d shows what sonde generates"),
	compatKey("use_blazesym", "true|false", "sonde reads ELF symbols itself"),
	compatKey("unstable_tseries", "true|false", "an opt-in for a bpftrace feature"),
	compatKey("unstable_dw_ustack", "true|false", "an opt-in for a bpftrace feature"),
	compatKey("unstable_typeinfo", "true|false", "an opt-in for a bpftrace feature"),
	compatKey("unstable_import_statement", "true|false", "an opt-in for a bpftrace feature"),
}

// ConfigKeys lists the config keys, in the order the environment is read.
func ConfigKeys() []ConfigKey { return configKeys }

// configName is a key as written, in any case, with or without the
// BPFTRACE_ prefix, in the form errors show it.
func configName(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ToUpper(name), "BPFTRACE_"))
}

// lookupConfig finds a key by its name or an alias (see configName).
func lookupConfig(name string) *ConfigKey {
	for i := range configKeys {
		if k := &configKeys[i]; k.Name == name || slices.Contains(k.Aliases, name) {
			return k
		}
	}
	return nil
}

// configure applies the defaults, the config block and the BPFTRACE_*
// variables (which win, as in bpftrace).
func (c *compiler) configure(prog *ast.Program) {
	c.cfg = plan.Config{
		MaxMapKeys:      4096,
		MaxStrlen:       1024,
		MaxCatBytes:     10240,
		MissingProbes:   "error",
		PrintMapsOnExit: true,
		StrTruncTrailer: "..",
	}
	// at is where each key was last set, for errors about the result.
	at := map[string]ast.Span{}
	set := func(span ast.Span, name string, val ast.Expr) {
		name = configName(name)
		k := lookupConfig(name)
		if k == nil {
			c.errorAt(span, "", "unknown config variable %s", name)
			return
		}
		k.apply(configValue{c: c, span: span, key: name, expr: val})
		at[k.Name] = span
	}
	for _, it := range prog.Config {
		set(it.Span(), it.Name, it.Value)
	}
	for _, k := range configKeys {
		for _, env := range k.Env {
			if v := c.opts.Env(env); v != "" {
				set(ast.Span{Start: ast.Pos{File: env, Line: 1, Col: 1}}, env, &ast.StringLit{Value: v})
			}
		}
	}
	if c.cfg.MaxStrlen < 1 {
		c.cfg.MaxStrlen = 1
	}
	if c.cfg.MaxStrlen > 4096 {
		c.errorAt(at["max_strlen"], "", "max_strlen %d is too large; the limit is 4096", c.cfg.MaxStrlen)
	}
}
