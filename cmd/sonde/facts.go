package main

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/cilium/ebpf"

	"sonde/compiler"
	kbtf "sonde/kernel/btf"
	"sonde/kernel/tracefs"
	"sonde/kernel/usym"
	"sonde/types"
)

// kernelFacts answers the compiler's questions from tracefs. BTF is wired
// separately and loaded only when a script needs kernel types.
type kernelFacts struct{}

func (kernelFacts) TracepointFields(group, event string) ([]compiler.TracepointField, error) {
	ev, err := tracefs.Format(group, event)
	if err != nil {
		return nil, fmt.Errorf("tracepoint %s:%s: %w", group, event, err)
	}
	var out []compiler.TracepointField
	for _, f := range ev.Args() {
		t := f.Type
		if t == nil {
			t = types.IntType(f.Size, f.Signed)
		}
		out = append(out, compiler.TracepointField{
			Name: f.Name, Offset: f.Offset, Size: f.Size, Type: t,
			DataLoc: f.DataLoc, CType: f.CType,
		})
	}
	return out, nil
}

func (kernelFacts) Tracepoints(pattern string) ([]string, error) {
	return tracefs.Events(pattern)
}

func (kernelFacts) NumCPUs() int {
	n, err := ebpf.PossibleCPU()
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// CgroupID is the id of a cgroup v2 directory: its inode number, which
// is what bpf_get_current_cgroup_id returns.
func (kernelFacts) CgroupID(path string) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		return 0, fmt.Errorf("%s is not a cgroup directory", path)
	}
	return st.Ino, nil
}

// isBTFName reports whether a type name needs kernel BTF.
func isBTFName(s string) bool {
	return strings.HasPrefix(s, "struct ") || strings.HasPrefix(s, "union ") || strings.HasPrefix(s, "enum ")
}

// userSymbols resolves uprobe targets with the ELF symbol tables.
type userSymbols struct{}

func (userSymbols) Uprobes(binary, spec string, pid int) ([]compiler.UprobeTarget, error) {
	path, err := usym.ResolveBinary(binary, pid)
	if err != nil {
		return nil, err
	}
	f, err := usym.Open(path)
	if err != nil {
		return nil, err
	}
	if usym.HasWildcard(spec) {
		var out []compiler.UprobeTarget
		for _, s := range f.Match(spec) {
			off, err := f.FileOffset(s.Addr)
			if err != nil {
				continue
			}
			out = append(out, compiler.UprobeTarget{Binary: path, Symbol: s.Name, FileOffset: off})
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no function in %s matches %s", path, spec)
		}
		return out, nil
	}
	loc, err := f.Resolve(spec)
	if err != nil {
		var se *usym.SymbolError
		if errors.As(err, &se) && se.Hint != "" {
			return nil, fmt.Errorf("%v; %s", err, se.Hint)
		}
		return nil, err
	}
	return []compiler.UprobeTarget{{Binary: path, Symbol: loc.Symbol, FileOffset: loc.FileOffset}}, nil
}

// kernelFuncs answers the compiler's questions about kernel functions from
// BTF (prototypes, fentry targets, raw tracepoints) and tracefs (what
// kprobes can attach to, cached across runs).
type kernelFuncs struct{ btf *lazyBTF }

func sigOf(p *kbtf.FuncProto) *compiler.FuncSig {
	s := &compiler.FuncSig{Return: p.Return}
	for _, a := range p.Params {
		s.Params = append(s.Params, compiler.FuncParam{Name: a.Name, Type: a.Type})
	}
	return s
}

func (k kernelFuncs) Func(module, name string) (*compiler.FuncSig, error) {
	key := "f:" + module + ":" + name
	if s, ok := k.btf.cached().fn(key); ok {
		return s, nil
	}
	p, err := k.btf.kernel().FuncIn(module, name)
	if err != nil {
		return nil, err
	}
	s := sigOf(p)
	k.btf.cached().putFn(key, s)
	return s, nil
}

func (k kernelFuncs) RawTracepoint(module, name string) (*compiler.FuncSig, error) {
	key := "rt:" + module + ":" + name
	if s, ok := k.btf.cached().fn(key); ok {
		return s, nil
	}
	p, err := k.btf.kernel().RawTracepointIn(module, name)
	if err != nil {
		return nil, err
	}
	s := sigOf(p)
	k.btf.cached().putFn(key, s)
	return s, nil
}

func (k kernelFuncs) Traceable(pattern string) ([]string, error) {
	names, err := tracefs.KprobeFunctions(pattern)
	if err != nil {
		// available_filter_functions cannot be read (lockdown, no
		// ftrace): the functions in BTF are the closest list.
		if bnames, berr := k.btf.kernel().Functions(pattern); berr == nil {
			return bnames, nil
		}
	}
	return names, err
}

func (k kernelFuncs) BTFFunctions(module, pattern string) ([]string, error) {
	return k.btf.kernel().FunctionsIn(module, pattern)
}

func (k kernelFuncs) RawTracepoints(module, pattern string) ([]string, error) {
	return k.btf.kernel().RawTracepointsIn(module, pattern)
}
