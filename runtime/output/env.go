package output

import "time"

// Symbolizer resolves code addresses to symbols. The kernel side is
// usually ksym.Table; the user side belongs to the uprobe machinery.
type Symbolizer interface {
	KernelSym(addr uint64) (name string, off uint64, ok bool)
	UserSym(pid uint32, addr uint64) (name string, off uint64, ok bool)
}

// Symbols adapts two lookup functions to a Symbolizer, e.g.
// Symbols{Kernel: ktab.Lookup, User: usyms.Lookup}. Nil functions resolve
// nothing.
type Symbols struct {
	Kernel func(addr uint64) (string, uint64, bool)
	User   func(pid uint32, addr uint64) (string, uint64, bool)
}

func (s Symbols) KernelSym(addr uint64) (string, uint64, bool) {
	if s.Kernel == nil {
		return "", 0, false
	}
	return s.Kernel(addr)
}

func (s Symbols) UserSym(pid uint32, addr uint64) (string, uint64, bool) {
	if s.User == nil {
		return "", 0, false
	}
	return s.User(pid, addr)
}

// Env is what printing needs from the outside world. A nil *Env, or nil
// fields, fall back to printing raw numbers.
type Env struct {
	Sym Symbolizer

	// StackFrames reads the addresses of stack id from the BPF stack-trace
	// map mapName (a zero address ends the stack).
	StackFrames func(mapName string, id uint64) ([]uint64, error)

	// Frames, when set, symbolizes a whole stack at once: one "name+off"
	// per address, kernel addresses or user ones in process pid (an
	// unresolved address as 0xADDR). It takes precedence over Sym for
	// stacks, so a user-space symbolizer can batch its lookups.
	Frames func(kernel bool, pid uint32, addrs []uint64) []string

	// UserModule names the file mapped at a user address of process pid
	// ("[unknown]" when none), for perf-mode user stacks.
	UserModule func(pid uint32, addr uint64) string

	// BootTime is the wall-clock time of boot-clock zero, so a boot-clock
	// timestamp ns is BootTime.Add(ns). Location is the zone strftime uses
	// (nil: time.Local).
	BootTime time.Time
	Location *time.Location

	// TruncTrailer is appended to truncated strings (config
	// str_trunc_trailer; bpftrace's default is "..").
	TruncTrailer string

	ProbeName   func(id uint64) string // Plan.Probes[id].Name
	UserName    func(uid uint64) string
	SyscallName func(nr int64) string
}

var defaultEnv = &Env{TruncTrailer: ".."}

// DefaultEnv returns an Env with bpftrace's defaults and no resolvers.
func DefaultEnv() *Env {
	e := *defaultEnv
	return &e
}

func envOr(e *Env) *Env {
	if e == nil {
		return defaultEnv
	}
	return e
}

func (e *Env) location() *time.Location {
	if e.Location != nil {
		return e.Location
	}
	return time.Local
}
