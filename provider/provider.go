// Package provider is the catalogue of probe providers: one descriptor per
// probe type (tracepoint, kprobe, uprobe, ...), each in its own file and
// registered in catalogue.go.
//
// A descriptor says everything about a provider that is a fact rather than
// code: its names and aliases, how its attach points are written and
// expanded, how its program is loaded, what its context is and so how
// argN, args, retval and func read, whether it runs in user space, how it
// is scoped to a process, how the runtime attaches it and how sonde -l
// lists it. The parser reads the names, the compiler the rest; the
// mechanisms themselves (expanders, code generation, attachers, feature
// checks, listers) are code in the compiler, runtime/attach and the CLI,
// one per kind named here, so a provider that reuses existing kinds is its
// own file plus its registration line. This package imports nothing of
// sonde and nothing of cilium/ebpf: the parser links it.
package provider

import (
	"strings"

	"golang.org/x/sys/unix"
)

// Provider describes one probe type.
type Provider struct {
	Name    string   // canonical name, lower case: Probe.Provider holds it
	Aliases []string // other names, matched without regard to case ("t", "tp")
	// Exact are names matched as written, before any other: "U" is usdt
	// while "u" is uprobe.
	Exact   []string
	Form    string   // how an attach point is written, for errors: "tracepoint:GROUP:EVENT"
	Forms   []string // every form, as the reference lists them
	Doc     string   // what it traces and what its probes read
	Example string   // a whole script using it; the tests compile every one
	// NotYet, when set, is why sonde does not run these probes yet: the
	// parser knows the name (bpftrace has it), the compiler reports this.
	NotYet string

	Expand Expansion // where its attach points come from

	Prog       ProgType   // how its program is loaded
	AttachType AttachType // AttachNone unless the program is loaded for one
	// AttachTo: the program is loaded against its target (Probe.Event):
	// tp_btf, fentry, fexit and iterators.
	AttachTo bool

	Context Context // what the program's context is
	Args    Args    // how argN and args.NAME read
	Return  bool    // it fires when a function returns: retval
	Func    Func    // what func names
	// Offset: the function may take a byte offset (kprobe:fn+0x10).
	Offset bool
	// Alt is the provider that does the same job by another mechanism,
	// used when the kernel lacks this one (kprobe <-> fentry).
	Alt string
	// SharedWildcard: a wildcard whose body does not depend on the function
	// shares one program, attached with one kprobe_multi link where the
	// kernel has it (FeatureKprobeMulti).
	SharedWildcard bool

	// UserSpace: addresses point into the traced process (probe_read_user).
	UserSpace bool
	// UserGroups are tracepoint groups whose pointer arguments are user
	// addresses (syscalls).
	UserGroups []string
	Scope      Scope // how -p PID and -c CMD restrict it
	Run        Run   // who fires it: the kernel, or sonde itself
	// OnePass: the probe walks kernel objects once and ends the run, alone.
	OnePass bool

	Mech Mechanism // how the runtime attaches it
	// Perf is the perf event a profile or interval probe counts, and the
	// event the feature check of a software or hardware provider opens.
	Perf *PerfEvent
	// PerfEvents are the events a software or hardware probe names.
	PerfEvents map[string]PerfEvent
	// AllCPUs: the perf event opens on every online CPU (profile, software,
	// hardware); otherwise on the first one, to fire once per period.
	AllCPUs bool

	// Listed: sonde -l '*:PATTERN' searches these; the others are listed
	// only when named (kprobe:vfs_*).
	Listed bool
	// ListsBare: a -l pattern without a provider searches these.
	ListsBare bool
}

// Expansion is where a provider's attach points come from, and so what
// sonde -l searches.
type Expansion int

const (
	ExpandNone              Expansion = iota // no attach point: begin, end
	ExpandTracefs                            // GROUP:EVENT among tracefs events
	ExpandKallsyms                           // kernel functions kprobes can attach to (available_filter_functions)
	ExpandBTFFuncs                           // kernel functions in BTF that ftrace can trace
	ExpandBTFRawTracepoints                  // raw tracepoints in BTF (btf_trace_NAME)
	ExpandBTFIters                           // iterators: struct bpf_iter__NAME in BTF
	ExpandELF                                // symbols, addresses and offsets of an ELF file
	ExpandUSDT                               // the .note.stapsdt notes of an ELF file
	ExpandRate                               // a rate or period: hz:99, ms:10, 1s
	ExpandPerfEvent                          // a perf event name and count: cpu-clock:1000
	ExpandSignal                             // a signal sonde receives
)

// RateUnits are the units of an ExpandRate probe (interval:ms:10), in the
// order -l lists them.
var RateUnits = []string{"hz", "us", "ms", "s"}

var expansionNames = [...]string{"none", "tracefs", "kallsyms", "BTF functions", "BTF raw tracepoints",
	"BTF iterators", "ELF symbols", "USDT notes", "rate", "perf event", "signal"}

func (e Expansion) String() string { return expansionNames[e] }

// KernelFunc reports whether the attach points are kernel functions or raw
// tracepoints, typed by their BTF prototypes.
func (e Expansion) KernelFunc() bool {
	return e == ExpandKallsyms || e == ExpandBTFFuncs || e == ExpandBTFRawTracepoints
}

// ProgType is a BPF program type (BPF_PROG_TYPE_*), with the kernel's
// numbering that cilium/ebpf's ProgramType shares.
type ProgType uint32

const (
	ProgKprobe        ProgType = unix.BPF_PROG_TYPE_KPROBE
	ProgTracepoint    ProgType = unix.BPF_PROG_TYPE_TRACEPOINT
	ProgPerfEvent     ProgType = unix.BPF_PROG_TYPE_PERF_EVENT
	ProgRawTracepoint ProgType = unix.BPF_PROG_TYPE_RAW_TRACEPOINT
	ProgTracing       ProgType = unix.BPF_PROG_TYPE_TRACING
)

// AttachType is a BPF attach type (enum bpf_attach_type), numbered as the
// kernel (and cilium/ebpf's AttachType) numbers them.
type AttachType uint32

const (
	AttachNone        AttachType = 0
	AttachRawTp       AttachType = unix.BPF_TRACE_RAW_TP
	AttachFEntry      AttachType = unix.BPF_TRACE_FENTRY
	AttachFExit       AttachType = unix.BPF_TRACE_FEXIT
	AttachIter        AttachType = unix.BPF_TRACE_ITER
	AttachKprobeMulti AttachType = unix.BPF_TRACE_KPROBE_MULTI // a wildcard's shared program (Probe.Multi)
)

// Context is what a program receives, and so what ctx is.
type Context int

const (
	CtxOpaque     Context = iota // nothing the script reads through ctx
	CtxRegs                      // struct pt_regs: the registers where the probe fired
	CtxArgs                      // the traced function's arguments, one u64 slot each (fentry, fexit, tp_btf)
	CtxTracepoint                // the tracepoint's record, laid out as its tracefs format
	CtxIter                      // struct bpf_iter__NAME
)

// Args says how argN and args.NAME read.
type Args int

const (
	ArgsNone       Args = iota // neither exists
	ArgsRegs                   // argN: the argument registers, untyped; args.NAME typed by the binary's DWARF
	ArgsBTF                    // argN and args.NAME typed by the kernel function's BTF prototype
	ArgsTracepoint             // args.NAME: the fields of the tracepoint's format
	ArgsUSDT                   // argN: as the USDT note's argument specs say
)

// Func says what the func builtin names.
type Func int

const (
	FuncNone   Func = iota // func is an error
	FuncKernel             // the kernel function, a ksym
	FuncSymbol             // the probed user symbol, a string constant
)

// Scope says how -p PID restricts a provider.
type Scope int

const (
	// ScopeFilter: the probe sees every process; with -p its program
	// starts with pid == PID.
	ScopeFilter Scope = iota
	// ScopeProcess: the probe is attached to the process itself
	// (Probe.Pid), and with -c to the command.
	ScopeProcess
	// ScopeNone: the probe is not about any process (begin, end).
	ScopeNone
	// ScopeWallClock: a timer that -p does not restrict. A cpu-clock event
	// bound to a process counts only that process's CPU time, so
	// interval:s:1 would never fire for a process that sleeps and a script
	// ending in interval { exit(); } would never end (bpftrace made the
	// same change, bpftrace#4505).
	ScopeWallClock
)

// Run says who fires a provider's program.
type Run int

const (
	RunKernel   Run = iota // the kernel, once attached
	RunAtStart             // sonde, before anything is attached (BPF_PROG_TEST_RUN)
	RunAtEnd               // sonde, at the end of the run
	RunOnSignal            // sonde, each time it receives the probe's signal
)

// Mechanism is how the runtime attaches a provider's programs.
type Mechanism int

const (
	MechTestRun       Mechanism = iota // not attached: sonde runs the program (Run)
	MechTracepoint                     // a perf event on a tracefs tracepoint
	MechRawTracepoint                  // a tp_btf or raw tracepoint link
	MechKprobe                         // kprobe/kretprobe links, or one kprobe_multi link
	MechTracing                        // fentry/fexit trampolines
	MechUprobe                         // uprobes on an ELF file, with USDT semaphores
	MechPerf                           // a perf event per CPU
	MechIter                           // a BPF iterator link, read once
)

var mechNames = [...]string{"test run", "tracepoint", "raw tracepoint", "kprobe", "tracing", "uprobe", "perf event", "iterator"}

func (m Mechanism) String() string { return mechNames[m] }

// PerfEvent is a perf event type and config (PERF_TYPE_*, PERF_COUNT_*)
// and the sample period used when the attach point gives none.
type PerfEvent struct {
	Type   uint32
	Config uint64
	Period uint64
}

// FeatureKprobeMulti names the kprobe_multi link in feature checks: not a
// probe type but the way SharedWildcard providers attach wildcards.
const FeatureKprobeMulti = "kprobe_multi"

// FeatureKprobeSession names kprobe_multi's session mode (one program at
// a function's entry and return, Linux 6.10), which --info reports.
const FeatureKprobeSession = "kprobe_session"

// Runs reports whether sonde runs these probes at all.
func (p *Provider) Runs() bool { return p.NotYet == "" }

// Special reports whether sonde, not the kernel, fires the program.
func (p *Provider) Special() bool { return p.Run != RunKernel }

// UserPointers reports whether pointers read in a probe of this provider
// in group (the tracepoint group) are user addresses.
func (p *Provider) UserPointers(group string) bool {
	if p.UserSpace {
		return true
	}
	for _, g := range p.UserGroups {
		if g == group {
			return true
		}
	}
	return false
}

var (
	byName  = map[string]*Provider{} // canonical names and aliases, lower case
	byExact = map[string]*Provider{}
)

func init() {
	for _, p := range all {
		add(byName, strings.ToLower(p.Name), p)
		for _, a := range p.Aliases {
			add(byName, strings.ToLower(a), p)
		}
		for _, a := range p.Exact {
			add(byExact, a, p)
		}
	}
}

func add(m map[string]*Provider, name string, p *Provider) {
	if m[name] != nil {
		panic("provider: " + name + " names both " + m[name].Name + " and " + p.Name)
	}
	m[name] = p
}

// Lookup returns the provider a script names: canonical or alias, in any
// case except the Exact aliases ("BEGIN" and "begin" are begin, "U" is usdt
// and "u" is uprobe).
func Lookup(name string) (*Provider, bool) {
	if p, ok := byExact[name]; ok {
		return p, true
	}
	p, ok := byName[strings.ToLower(name)]
	return p, ok
}

// Get returns the provider of a canonical name (Probe.Provider), or nil.
func Get(canonical string) *Provider {
	p := byName[canonical]
	if p == nil || p.Name != canonical {
		return nil
	}
	return p
}

// All returns every provider in catalogue order.
func All() []*Provider { return all }

// Names returns the canonical names, in catalogue order.
func Names() []string {
	out := make([]string, len(all))
	for i, p := range all {
		out[i] = p.Name
	}
	return out
}

// Describe lists the names of the providers for which has is true, as
// prose: "kretprobe, fexit and uretprobe".
func Describe(has func(*Provider) bool) string {
	var names []string
	for _, p := range all {
		if p.Runs() && has(p) {
			names = append(names, p.Name)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
