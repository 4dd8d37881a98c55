// Package plan holds what the compiler produces and the runtime consumes:
// programs, map specs, the probes they attach to, how user maps are laid out
// and printed, and what each event record means. It is a leaf: the runtime,
// its attachers and every output format read it without linking the
// compiler.
package plan

import (
	"github.com/cilium/ebpf"

	"sonde/lang/ast"
	"sonde/types"
)

// Spec is the compiled form of a script: a deterministic blueprint the
// runtime loads. It holds no file descriptors.
type Spec struct {
	Programs []*Program
	Maps     []*ebpf.MapSpec // every map the programs reference, by Name
	Plan     *Plan
	// Notes are one-line notices for stderr, such as a kprobe running as
	// fentry on a kernel without kprobes.
	Notes []string
	// Warnings are about the script, at a position: attach points that
	// config missing_probes = warn skipped.
	Warnings []Warning
}

// Warning is a compile-time warning at a span of the script.
type Warning struct {
	Pos, End ast.Pos
	Msg      string
}

// Program is one BPF program and the probe it attaches to.
type Program struct {
	Probe Probe
	Spec  *ebpf.ProgramSpec
	// Loops are the loops whose bound is only known at run time: when the
	// verifier gives up on the program, they are the likely reason.
	Loops []ast.Span
}

// Source is what an instruction was compiled from: the script position of
// the statement and its text. The compiler attaches it to the first
// instruction of each statement (asm.Instruction.WithSource), so listings
// show the text, as cilium/ebpf's listings show C source lines, and the
// runtime traces a verifier rejection back to Pos.
type Source struct {
	Pos  ast.Pos
	Text string
}

func (s Source) String() string { return s.Text }

// Probe is one attachment, after wildcard expansion.
type Probe struct {
	Provider string // canonical provider name, from the provider catalogue (sonde/provider)
	Name     string // the full expanded name, as the `probe` builtin prints it
	ID       int    // index into Plan.Probes

	// tracepoint: Group and Event ("syscalls", "sys_enter_read").
	// rawtracepoint, fentry, fexit, kprobe, kretprobe: Event is the function
	// or tracepoint name, Group the module ("" for vmlinux).
	Group string
	Event string

	Offset uint64 // kprobe fn+off, uprobe offset/address

	// kprobe/kretprobe wildcards whose program is shared: the functions to
	// attach to (Event holds the pattern). Multi: one kprobe_multi link
	// (the program is loaded for it); otherwise one link per function.
	Symbols []string
	Multi   bool
	// kprobe/kretprobe on a name several kernel functions share (which
	// the kernel refuses by name): the address of each, attached one by one.
	KAddrs []uint64

	// uprobe, uretprobe, usdt: the resolved binary path, symbol and
	// file offset; Pid restricts to one process (-p), 0 for all.
	Binary string
	Symbol string
	Pid    int
	Addr   uint64 // link-time virtual address of the probe point (uaddr in PIE files)

	// USDT: the semaphore's file offset (0 if none).
	RefCtrOffset uint64

	// profile, interval, software, hardware: perf event settings.
	PerfType   uint32 // unix.PERF_TYPE_SOFTWARE / HARDWARE
	PerfConfig uint64 // unix.PERF_COUNT_SW_CPU_CLOCK, ...
	Period     uint64 // sample period (0 when Freq is set)
	Freq       uint64 // sample frequency in Hz (profile:hz / interval:hz)
	AllCPUs    bool   // profile and software/hardware events: one event per online CPU; interval: first CPU only
}

// Plan is what the runtime needs besides the programs: which maps the user
// sees and how to print them, and what each event record means.
type Plan struct {
	Maps    []*MapInfo // user maps, sorted by name
	Actions []*Action  // indexed by action id
	Probes  []Probe    // every attachment, in declaration order; Probe.ID indexes it

	RingBuf     string // name of the BPF ring buffer map carrying events
	ErrorCounts string // name of the map counting failed map updates (key: MapInfo.Index, u32) per CPU
	StackMaps   []string

	// GlobalsMap, when set, is the name of a one-entry array map of values
	// the runtime fills before attaching and the programs read: three u64s,
	// at GlobalStartTime, GlobalChildPid and GlobalTAIOffset.
	GlobalsMap string

	Config Config
}

// The layout of the globals map's value (Plan.GlobalsMap).
const (
	GlobalStartTime = 0  // boot-clock ns when the run started, for elapsed
	GlobalChildPid  = 8  // the -c command's pid, for cpid
	GlobalTAIOffset = 16 // CLOCK_TAI minus CLOCK_BOOTTIME, for nsecs(sw_tai)
	GlobalsSize     = 24
)

// Config holds the script's settings after the config block and the
// BPFTRACE_* environment variables are applied.
type Config struct {
	MaxMapKeys      int
	MaxStrlen       int
	MaxCatBytes     int
	MissingProbes   string // error, warn, ignore
	PrintMapsOnExit bool
	StrTruncTrailer string
	StackMode       types.StackMode
	PerfRingPages   int
}

// MapInfo says how a user map is stored and printed.
type MapInfo struct {
	Name    string // as the user writes it: "@", "@bytes"
	MapName string // the BPF map's name in Spec.Maps
	Index   int    // position in Plan.Maps; the error-count key

	// Key is the user key type (nil for a map used without keys). Several
	// keys are one Tuple.
	Key *types.Type
	// Value is the printed value type: the plain value of a map without
	// aggregation, Int64 or Uint64 for an aggregation a probe can read.
	Value *types.Type

	// Agg names the aggregation the map holds, "" for plain values;
	// agg.Lookup resolves it to its catalogue entry. AggArgs are its
	// parameters as the entry keeps them (hist's bits; lhist's min, max
	// and step), Signed whether the aggregated values are signed.
	Agg     string
	AggArgs []int64
	Signed  bool

	// Storage. A keyless map is an array: one element (index 0), or for a
	// bucketed aggregation (hist) one element per bucket (index = bucket).
	// A keyed map is a hash whose key is Key's bytes, followed for a
	// bucketed aggregation by a u64 bucket.
	Array  bool
	PerCPU bool
	// SetAt, for a keyless aggregation that is not bucketed, is the offset
	// in each per-CPU value of a word the kernel sets to 1 on every update:
	// the map has a value (printed even when it is 0, as after sum(0) or
	// zero()) when any CPU's word is set. clear() and delete() reset it.
	SetAt int

	NumBuckets int // bucketed aggregations: buckets in total

	// KeyNames name each key part (one per Tuple field, or one for a
	// single key) after the expression that fills it: a builtin ("comm",
	// "pid") or an args field ("filename"); "" for any other expression.
	// Metrics use them as label names.
	KeyNames []string
	// Shrinks is set when the script clears, zeroes or deletes from the
	// map, so its values can go down (a gauge, never a counter).
	Shrinks bool
	// HistSums: each bucket's per-CPU value of a bucketed aggregation is
	// {count, sum of the values counted} instead of a count alone, for
	// exact sums (metrics' _sum).
	HistSums bool
}

// ActionKind is what an event record asks the runtime to do.
type ActionKind int

const (
	ActPrintf     ActionKind = iota // Format with Args
	ActPrintMap                     // print(@m [, Top [, Div]])
	ActPrintValue                   // print(value): Args has one field
	ActTime                         // time(Format)
	ActExit                         // exit([code]): Args has the code (int64) when given
	ActClear                        // clear(@m)
	ActZero                         // zero(@m)
	ActCat                          // cat(Format, args)
	ActSystem                       // system(Format, args)
	ActJoin                         // join(arr, Sep): Args holds the strings
	ActErrorf                       // errorf(Format, args)
	ActWarnf                        // warnf(Format, args)
)

// Action describes one call site that sends events. Every record in the ring
// buffer starts with the 8-byte action id (the index into Plan.Actions),
// followed by a payload laid out as Args.
type Action struct {
	Kind   ActionKind
	Format string      // printf/cat/system/errorf/warnf format, time() format
	Args   *types.Type // a Tuple describing the payload after the id; nil if none
	Map    string      // print/clear/zero: the user map name ("@x")
	Top    int         // print(@m, top)
	Div    int         // print(@m, top, div)
	Sep    string      // join separator
	Pos    ast.Pos     // the call's source position, for errorf/warnf
	End    ast.Pos     // just past the call's end, for the column range of errorf/warnf
	Source string      // the call as written, for diagnostics
}
