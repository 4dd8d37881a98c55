package kbtf

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/cilium/ebpf/btf"

	"sonde/types"
)

// FuncProto is a kernel function's (or raw tracepoint's) typed signature.
type FuncProto struct {
	Name        string // "vfs_read", or the tracepoint name "sched_switch"
	Module      string // "" for vmlinux
	Params      []Param
	Return      *types.Type // types.VoidT when the function returns nothing
	ReturnCType string      // the return type as C: "ssize_t"
	Variadic    bool        // a trailing "..." (not in Params)
}

// Param is one parameter.
type Param struct {
	Name  string      // as in BTF; "argN" when BTF has no name
	Type  *types.Type // converted type; pointers to structs point to stubs
	CType string      // the declared C type, for listings: "struct file *"
}

// Func returns the prototype of a vmlinux function, for kprobe/fentry
// args and fexit retval.
func (k *Kernel) Func(name string) (*FuncProto, error) { return k.FuncIn("", name) }

// FuncIn returns the prototype of a function of module ("" is vmlinux).
func (k *Kernel) FuncIn(module, name string) (*FuncProto, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	src, err := k.module(module)
	if err != nil {
		return nil, err
	}
	fn, err := findFunc(src.spec, name)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		e := &NotFoundError{What: "function", Name: name}
		if module != "" {
			e.In = "module " + module
		}
		if idx, err := k.indexOf(src); err == nil {
			e.Candidates = suggest(name, idx.byKind[kindFunc])
		}
		return nil, e
	}
	fp, ok := fn.Type.(*btf.FuncProto)
	if !ok {
		return nil, fmt.Errorf("function %s has no prototype in BTF", name)
	}
	return k.proto(name, src, fp, nil), nil
}

// findFunc returns the first BTF function named name, or nil. Static
// functions of the same name in several files share one BTF name; their
// prototypes almost always agree, and the first is what bpftrace uses.
func findFunc(spec *btf.Spec, name string) (*btf.Func, error) {
	cands, err := spec.AnyTypesByName(name)
	if err != nil && !errors.Is(err, btf.ErrNotFound) {
		return nil, err
	}
	for _, c := range cands {
		if fn, ok := c.(*btf.Func); ok {
			return fn, nil
		}
	}
	return nil, nil
}

// proto converts a prototype; names override the parameter names.
func (k *Kernel) proto(name string, src *source, fp *btf.FuncProto, names []string) *FuncProto {
	p := &FuncProto{Name: name, Return: k.conv.conv(fp.Return), ReturnCType: CType(fp.Return, "")}
	if src.name != "vmlinux" {
		p.Module = src.name
	}
	for i, bp := range fp.Params {
		if _, void := bp.Type.(*btf.Void); void && i == len(fp.Params)-1 {
			p.Variadic = true
			break
		}
		pname := bp.Name
		if names != nil && i < len(names) {
			pname = names[i]
		}
		if pname == "" {
			pname = fmt.Sprintf("arg%d", i)
		}
		p.Params = append(p.Params, Param{Name: pname, Type: k.conv.conv(bp.Type), CType: CType(bp.Type, "")})
	}
	return p
}

// RawTracepoint returns the arguments of a raw tracepoint (tp_btf), from
// the btf_trace_<name> typedef the kernel attaches by. Its first parameter,
// the tracepoint's private data, is dropped. The typedef's prototype has no
// parameter names, so they come from the __bpf_trace_<name> (or
// __probestub_<name>) function when BTF has it.
func (k *Kernel) RawTracepoint(name string) (*FuncProto, error) {
	return k.RawTracepointIn("", name)
}

// RawTracepointIn is RawTracepoint for a module's tracepoint.
func (k *Kernel) RawTracepointIn(module, name string) (*FuncProto, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	src, err := k.module(module)
	if err != nil {
		return nil, err
	}
	var td *btf.Typedef
	if err := src.spec.TypeByName("btf_trace_"+name, &td); err != nil {
		if !errors.Is(err, btf.ErrNotFound) {
			return nil, err
		}
		e := &NotFoundError{What: "raw tracepoint", Name: name}
		if idx, err := k.indexOf(src); err == nil {
			e.Candidates = suggest(name, rawTracepointNames(idx))
		}
		return nil, e
	}
	ptr, _ := btf.UnderlyingType(td.Type).(*btf.Pointer)
	if ptr == nil {
		return nil, fmt.Errorf("btf_trace_%s is not a function pointer", name)
	}
	fp, _ := btf.UnderlyingType(ptr.Target).(*btf.FuncProto)
	if fp == nil || len(fp.Params) == 0 {
		return nil, fmt.Errorf("btf_trace_%s is not a tracepoint prototype", name)
	}
	var names []string
	for _, stub := range []string{"__bpf_trace_", "__probestub_"} {
		fn, err := findFunc(src.spec, stub+name)
		if err != nil || fn == nil {
			continue
		}
		if sfp, ok := fn.Type.(*btf.FuncProto); ok && len(sfp.Params) == len(fp.Params) {
			for _, p := range sfp.Params[1:] {
				names = append(names, p.Name)
			}
			break
		}
	}
	args := &btf.FuncProto{Return: fp.Return, Params: fp.Params[1:]}
	return k.proto(name, src, args, names), nil
}

// Functions returns the sorted vmlinux function names matching a wildcard
// pattern ("vfs_*", "*"), for fentry wildcards and listings.
func (k *Kernel) Functions(pattern string) ([]string, error) {
	return k.FunctionsIn("", pattern)
}

// FunctionsIn is Functions over a module's BTF.
func (k *Kernel) FunctionsIn(module, pattern string) ([]string, error) {
	return k.match(module, pattern, func(idx *typeIndex) []string { return idx.byKind[kindFunc] })
}

// RawTracepoints returns the sorted raw tracepoint names matching pattern.
func (k *Kernel) RawTracepoints(pattern string) ([]string, error) {
	return k.RawTracepointsIn("", pattern)
}

// RawTracepointsIn is RawTracepoints over a module's BTF.
func (k *Kernel) RawTracepointsIn(module, pattern string) ([]string, error) {
	return k.match(module, pattern, rawTracepointNames)
}

// Types returns the sorted struct, union and enum names ("struct x")
// matching pattern, for listings such as sonde -l 'struct task*'.
func (k *Kernel) Types(pattern string) ([]string, error) {
	return k.match("", pattern, func(idx *typeIndex) []string {
		var out []string
		for kind, prefix := range map[int]string{kindStruct: "struct ", kindUnion: "union ", kindEnum: "enum "} {
			for _, n := range idx.byKind[kind] {
				out = append(out, prefix+n)
			}
		}
		return out
	})
}

func rawTracepointNames(idx *typeIndex) []string {
	var out []string
	for _, n := range idx.byKind[kindTypedef] {
		if tp, ok := strings.CutPrefix(n, "btf_trace_"); ok {
			out = append(out, tp)
		}
	}
	return out
}

func (k *Kernel) match(module, pattern string, names func(*typeIndex) []string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("bad pattern %q: %w", pattern, err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	// Listing vmlinux walks the encoded BTF only: no cilium index needed.
	src := k.base()
	if module != "" && module != "vmlinux" {
		var err error
		if src, err = k.module(module); err != nil {
			return nil, err
		}
	}
	idx, err := k.indexOf(src)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names(idx) {
		if ok, _ := path.Match(pattern, n); ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
