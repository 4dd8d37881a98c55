// Package stdlib is sonde's catalogue of builtin variables and functions.
//
// Each entry is defined once, here: its name, how many arguments it takes,
// its type rule and its code generation. The compiler calls into the
// catalogue through two narrow interfaces, Checker and Gen, that it
// implements; stdlib never sees the compiler's internals, so adding a
// function such as strcontains touches one file of this package and its
// tests. The runtime side of a function (what its event does, how its value
// prints) is keyed by the Action kinds and types declared here.
package stdlib

import (
	"sonde/plan"

	"maps"
	"slices"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/types"
)

// Var is a builtin variable such as pid or comm.
type Var struct {
	Name    string
	Doc     string
	Example string // a whole script using it; the tests compile every one
	// Type returns the variable's type, or nil after reporting an error.
	Type func(c Checker, id *ast.Ident) *types.Type
	// Gen computes the value.
	Gen func(g Gen, t *types.Type) Value
}

// Func is a builtin function such as printf or str.
type Func struct {
	Name     string
	Doc      string
	Example  string // a whole script using it; the tests compile every one
	Min, Max int    // argument count bounds
	Unsafe   bool   // needs --unsafe
	Bare     bool   // may be written without parentheses, like a variable (nsecs)
	// Type checks the arguments and returns the result type (types.VoidT
	// for statement-only functions), or nil after reporting an error.
	Type func(c Checker, call *ast.Call) *types.Type
	// Gen lowers the call.
	Gen func(g Gen, call *ast.Call) Value
}

var (
	vars  = map[string]*Var{}
	funcs = map[string]*Func{}
)

func addVars(vs ...*Var) {
	for _, v := range vs {
		if vars[v.Name] != nil {
			panic("stdlib: duplicate variable " + v.Name)
		}
		vars[v.Name] = v
	}
}

func addFuncs(fs ...*Func) {
	for _, f := range fs {
		if funcs[f.Name] != nil {
			panic("stdlib: duplicate function " + f.Name)
		}
		funcs[f.Name] = f
	}
}

// LookupVar returns the builtin variable called name.
func LookupVar(name string) (*Var, bool) {
	v, ok := vars[name]
	return v, ok
}

// LookupFunc returns the builtin function called name.
func LookupFunc(name string) (*Func, bool) {
	f, ok := funcs[name]
	return f, ok
}

// VarNames lists the builtin variables, sorted.
func VarNames() []string { return slices.Sorted(maps.Keys(vars)) }

// FuncNames lists the builtin functions, sorted.
func FuncNames() []string { return slices.Sorted(maps.Keys(funcs)) }

// probeOf is the provider of the probe being checked; an unknown name
// (a checker outside a probe) reads as a provider with no facts.
func probeOf(c Checker) *provider.Provider {
	if d := provider.Get(c.Provider()); d != nil {
		return d
	}
	return &provider.Provider{}
}

// Value is an evaluated expression, made and consumed by Gen: a scalar in
// a register or bytes in a Slot.
type Value interface {
	Type() *types.Type
}

// Slot is memory the generator allocated: on the BPF stack or in the
// per-CPU scratch area.
type Slot interface {
	Plus(n int) Slot
}

// Checker is what a type rule sees of the compiler's checker.
type Checker interface {
	// Expr types a sub-expression; nil after an error was reported.
	Expr(e ast.Expr) *types.Type
	// IntArg types call.Args[i] and requires an integer.
	IntArg(call *ast.Call, i int) *types.Type
	// SetType records the type of an expression the checker does not walk
	// (a format string, a positional parameter used as a string).
	SetType(e ast.Expr, t *types.Type)
	Errorf(n ast.Node, format string, args ...any)
	ErrorHint(n ast.Node, hint, format string, args ...any)
	// SetData attaches a value computed while checking to a node, for Gen.
	SetData(n ast.Node, v any)

	// Provider is the canonical provider of the probe being checked.
	Provider() string
	InLoop() bool
	Positional(n int) string
	MaxStrlen() int

	// Map looks up a map argument: its key type (nil until known, or when
	// keyless). ok is false, after an error, when the map is unknown.
	Map(m *ast.MapRef) (key *types.Type, keyless, ok bool)
	// MapKeys types the keys written in a map reference (@m[k1, k2]).
	MapKeys(m *ast.MapRef) *types.Type
	// KeyFits tells whether a value of type t can be a key of type key.
	KeyFits(key, t *types.Type) bool

	// TaskType is the type of curtask: struct task_struct * with BTF.
	TaskType() *types.Type
	// CtxType is the type of the probe's context pointer, ctx.
	CtxType() (*types.Type, error)
	HasBTF() bool
	// KernelAddr resolves a kernel symbol; available is false when the
	// kernel's symbols cannot be read.
	KernelAddr(name string) (addr uint64, found, available bool)
	// UserSymbol resolves a global variable or function of the probed
	// binary (uprobe, uretprobe, usdt). When pie, the file moves at load
	// time and addr is the symbol's distance from the probe point.
	UserSymbol(name string) (addr, size uint64, pie bool, err error)
	// StackType types kstack/ustack with their optional mode and frame
	// limit arguments (args; nil when written bare).
	StackType(n ast.Node, user bool, args []ast.Expr) *types.Type
	// CgroupID resolves a cgroup v2 path to its id.
	CgroupID(path string) (uint64, error)
	// Param returns the named program parameter --name[=value] and marks
	// it used; doc is the script's description of it ("" when none).
	Param(name, doc string) (value string, given bool)
	// ParamErrorf reports a bad value given for a named parameter: a
	// command-line mistake, not one in the script.
	ParamErrorf(format string, args ...any)

	// RetvalType and FuncType type retval and func in the probe being
	// checked: from the traced kernel function's BTF prototype where there
	// is one. Nil after an error.
	RetvalType(id *ast.Ident) *types.Type
	FuncType(id *ast.Ident) *types.Type
}

// Gen is what code generation sees of the compiler's generator. Physical
// registers R0-R5 are scratch between calls to Gen; values live in
// registers the generator allocates and may spill.
type Gen interface {
	Emit(ins ...asm.Instruction)
	NewLabel(hint string) string
	Bind(label string)
	// ExitLabel ends the probe run (return 0).
	ExitLabel() string

	Expr(e ast.Expr) Value
	TypeOf(e ast.Expr) *types.Type
	// SetTypeOf types an expression the generator makes up itself.
	SetTypeOf(e ast.Expr, t *types.Type)
	Data(n ast.Node) any

	// Reg is the physical register holding a register value.
	Reg(v Value) asm.Register
	// NewValue is a fresh register value of type t.
	NewValue(t *types.Type) Value
	// Imm is a register value holding n.
	Imm(t *types.Type, n int64) Value
	// WithType retypes a value without code.
	WithType(v Value, t *types.Type) Value
	Free(v Value)

	Alloc(size int) Slot
	MemValue(t *types.Type, s Slot) Value
	Mem(v Value) Slot
	// Addr puts the address of s into dst.
	Addr(dst asm.Register, s Slot)
	// Base returns a register and offset addressing s, using tmp if needed.
	Base(s Slot, tmp asm.Register) (asm.Register, int16)
	Zero(s Slot, size int)
	Copy(dst, src Slot, size int)
	Store(dst Slot, t *types.Type, v Value)
	StoreImm(s Slot, v int64)
	StringLit(s string, t *types.Type) Value

	// Stack takes the current kernel or user stack as a value of type t
	// (from StackType).
	Stack(t *types.Type) Value

	// UserSpace tells whether an address of type t points into user memory.
	UserSpace(t *types.Type) bool
	// StrReader is the helper that reads a NUL-terminated string at an
	// address of type t: user, kernel, or (kernel-function probes on x86)
	// the compat helper that picks the space by the address.
	StrReader(t *types.Type) asm.BuiltinFunc
	// Retval reads the traced function's return value, FuncIP its address
	// (a ksym), as typed by Checker.RetvalType/FuncType.
	Retval(t *types.Type) Value
	FuncIP(t *types.Type) Value
	// LoadCtx puts the probe's context pointer into dst.
	LoadCtx(dst asm.Register)
	ProbeID() int
	NumCPUs() int
	Positional(n int) string
	MaxStrlen() int
	// Global loads a runtime-filled global (GlobalStartTime, GlobalCpid)
	// into R0.
	Global(which int)
	// TaskPath reads curtask->path[0]->path[1]... as a value of type t.
	TaskPath(t *types.Type, path ...string) Value

	// SearchLoop finds the literal needle in the string hay of the given
	// size with a bpf_loop callback: the position (index) or 1, else
	// missing.
	SearchLoop(hay Value, size int, needle string, index bool, missing int64) Value
	// StrlenLoop is strlen of a long string, with a bpf_loop callback.
	StrlenLoop(s Value, size int) Value

	// SendEvent registers a and writes [id][args laid out as a.Args] to the
	// ring buffer.
	SendEvent(a *plan.Action, args []ast.Expr)
	// AddAction registers a and returns its id, for hand-built records.
	AddAction(a *plan.Action) int
	// Output writes size bytes at s to the ring buffer.
	Output(s Slot, size int)

	// MapKey builds the key of @m[k...] in memory.
	MapKey(m *ast.MapRef) Slot
	// MapKeyType is the stored key type of m (nil when keyless).
	MapKeyType(m *ast.MapRef) *types.Type
	// LoadMap puts the map's pointer into dst.
	LoadMap(dst asm.Register, m *ast.MapRef)
	// Lookup looks key up in m; R0 holds the value pointer or NULL.
	Lookup(m *ast.MapRef, key Slot)
	// Delete removes key from m; R0 is 0 when the key was there.
	Delete(m *ast.MapRef, key Slot)
	// MapLen counts the entries of m in the kernel (bpf_for_each_map_elem).
	MapLen(m *ast.MapRef) Value
}

// Globals the runtime fills before BEGIN.
const (
	GlobalStartTime = iota // CLOCK_BOOTTIME at start, ns
	GlobalCpid             // pid of the -c child
	GlobalTAIOffset        // CLOCK_TAI - CLOCK_BOOTTIME, ns, for nsecs(sw_tai)
)
