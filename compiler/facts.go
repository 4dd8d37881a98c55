package compiler

import (
	"sonde/types"
)

// Facts is what the compiler needs to know about the running system. It is
// an interface so tests can supply canned answers; cmd/sonde wires the real
// implementations (tracefs, BTF, kallsyms, ELF symbols).
type Facts interface {
	// TracepointFields returns the non-common fields of a tracepoint's
	// record, in order, with their offsets from the start of the record.
	TracepointFields(group, event string) ([]TracepointField, error)
	// Tracepoints expands a "group:event" pattern with wildcards.
	Tracepoints(pattern string) ([]string, error)
	// NumCPUs is the number of possible CPUs (for ncpus and per-CPU reads).
	NumCPUs() int
}

// TracepointField is one field of a tracepoint record.
type TracepointField struct {
	Name    string
	Offset  int
	Size    int
	Type    *types.Type
	DataLoc bool // __data_loc: a u32 with offset (low 16 bits) and length (high 16)
	CType   string
}

// KernelTypes resolves kernel types from BTF. Optional: nil means scripts
// that need kernel types fail with a clear error.
type KernelTypes interface {
	Type(name string) (*types.Type, error)
	Field(t *types.Type, name string) (types.Field, error)
	EnumValue(name string) (int64, *types.Type, bool)
}

// Headers resolves the constants the script's #include lines define (C
// #defines and enum constants). Optional: nil means no header constants.
type Headers interface {
	// Constant returns name's value; unsigned says the C type is unsigned
	// (value then holds its bits).
	Constant(name string) (value int64, unsigned, ok bool)
	// Unknown explains, for the error about an identifier nothing defines,
	// where it was looked for (detail) and which header defines it (hint).
	Unknown(name string) (detail, hint string)
}

// CgroupResolver is implemented by Facts that can resolve cgroup v2 paths
// (cgroupid).
type CgroupResolver interface {
	CgroupID(path string) (uint64, error)
}

// Symbols resolves kernel symbol addresses (kaddr) at compile time.
type Symbols interface {
	KernelAddr(name string) (uint64, bool)
}

// UserSymbols resolves uprobe targets in ELF binaries. Optional: nil means
// uprobes are unavailable.
type UserSymbols interface {
	// Uprobes resolves binary (a path, a name in PATH, or a library such
	// as libc) and spec ("func", "func+off", "0xADDR" or a wildcard) to
	// probe points. pid > 0 resolves through that process's mappings.
	Uprobes(binary, spec string, pid int) ([]UprobeTarget, error)
	// USDT resolves binary and a "provider:name" or "name" pattern
	// (wildcards allowed) to the USDT probe sites of the file.
	USDT(binary, spec string, pid int) ([]USDTTarget, error)
	// Addr resolves a global variable or function of binary for
	// uaddr("sym").
	Addr(binary, name string, pid int) (UserAddr, error)
}

// UserAddr is a symbol of a user binary, for uaddr().
type UserAddr struct {
	Addr uint64 // link-time virtual address
	Size uint64 // bytes
	PIE  bool   // the file is position-independent: Addr moves at load time
}

// UprobeTarget is one resolved uprobe point.
type UprobeTarget struct {
	Binary     string // absolute path
	Symbol     string
	FileOffset uint64
	Addr       uint64 // link-time virtual address of the point
}

// USDTTarget is one resolved USDT probe site. A probe written at several
// places in the program has one target per place.
type USDTTarget struct {
	Binary          string // absolute path
	Provider, Name  string
	FileOffset      uint64 // of the probe's nop
	PC              uint64 // link-time virtual address of the probe's nop
	SemaphoreOffset uint64 // file offset of the semaphore; 0 when none
	Args            []USDTArg
	ArgErr          error // the note's argument spec could not be decoded
}

// USDTArgKind says where a USDT argument's value lives.
type USDTArgKind int

const (
	USDTConst USDTArgKind = iota // the value is Const
	USDTReg                      // the value is in the register at Reg
	USDTMem                      // the value is in user memory at Reg + Offset (+ Index*Scale)
)

// USDTArg is one decoded USDT argument, with registers given as byte
// offsets into struct pt_regs (-1: none). A PC-relative operand
// (sym(%rip)) is turned into Reg = ip with Offset the distance from the
// probe to the symbol, since ip holds the probe's address when it fires.
type USDTArg struct {
	Kind   USDTArgKind
	Size   int  // 1, 2, 4 or 8 bytes
	Signed bool // sign-extend to 64 bits
	Reg    int
	Index  int
	Scale  int
	Offset int64
	Const  int64
}

// HintError is a Facts error that comes with a suggestion, such as "did
// you mean add?", which the compiler shows as the diagnostic's hint.
type HintError struct {
	Msg  string
	Hint string
	// Missing: the attach point names nothing that exists (a function
	// not in the binary), which config missing_probes may skip.
	Missing bool
}

func (e *HintError) Error() string { return e.Msg }

// IsMissing tells e is a missing probe; callers find it with errors.As on
// an interface{ IsMissing() bool }.
func (e *HintError) IsMissing() bool { return e.Missing }

// Hinted returns e's hint; callers find it with errors.As on an
// interface{ Hinted() string }.
func (e *HintError) Hinted() string { return e.Hint }
