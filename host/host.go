// Package host answers what the compiler and the runtime need to know about
// the machine sonde runs on: tracepoint formats (tracefs), kernel types and
// function signatures (BTF, with an on-disk answer cache), kernel symbols
// (kallsyms), user binaries (ELF symbols, USDT notes), and the symbolizers
// and clocks the runtime prints with. The front door, package sonde, wires
// it between the compiler and the runtime:
//
//	h := host.New()
//	spec, err := compiler.Compile(prog, h.CompilerOptions())
//	h.Save()
//	loaded, err := runtime.Load(spec, "script.sd")
//	env := host.NewEnv(spec, loaded.StackFrames)
package host

import (
	"sonde/compiler"
	"sonde/internal/phase"
	"sonde/runtime/ksym"
)

// Host is the running machine, as the compiler sees it. Kernel BTF is
// parsed on first use only.
type Host struct {
	btf     *lazyBTF
	formats *formatCache
	dwarf   *userTypes
}

// New returns the running machine's facts.
func New() *Host { return &Host{btf: newLazyBTF(), formats: &formatCache{}, dwarf: &userTypes{}} }

// CompilerOptions fills the compiler's view of this machine: tracefs,
// BTF types and function signatures, kernel and user symbols. The caller
// adds the script's arguments, flags and ProbeSupport.
func (h *Host) CompilerOptions() compiler.Options {
	return compiler.Options{
		Facts:       kernelFacts{h.formats},
		KernelTypes: h.btf,
		KernelFuncs: kernelFuncs{h.btf},
		Symbols:     KernelSymbols{},
		UserSymbols: userSymbols{types: h.dwarf},
		UserTypes:   h.dwarf,
	}
}

// Time records the time spent reading BTF (or its cache) into t, as part
// of the check phase.
func (h *Host) Time(t *phase.Timings) { h.btf.phases = t }

// DebugInfo adds directories where separate debug files of user binaries
// are looked for first (--debuginfo), before gdb's places.
func (h *Host) DebugInfo(dirs ...string) { h.dwarf.dirs = append(h.dwarf.dirs, dirs...) }

// Save writes what this run learned from BTF and the syscalls tracepoint
// formats to the on-disk caches, so the next run does not read them again.
func (h *Host) Save() {
	h.btf.saveCache()
	h.formats.save()
}

// KernelSymbols resolves kaddr() at compile time from /proc/kallsyms.
type KernelSymbols struct{}

// KernelAddr is the address of a kernel symbol.
func (KernelSymbols) KernelAddr(name string) (uint64, bool) { return ksym.Addr(name) }
