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
}

// UprobeTarget is one resolved uprobe point.
type UprobeTarget struct {
	Binary     string // absolute path
	Symbol     string
	FileOffset uint64
}
