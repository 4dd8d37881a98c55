package host

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sonde/internal/spell"
	"strings"
	"syscall"
	"time"

	"github.com/cilium/ebpf"

	"sonde/compiler"
	kbtf "sonde/kernel/btf"
	"sonde/kernel/tracefs"
	"sonde/kernel/usym"
	"sonde/types"
)

// kernelFacts answers the compiler's questions from tracefs. BTF is wired
// separately and loaded only when a script needs kernel types.
type kernelFacts struct{ formats *formatCache }

func (k kernelFacts) TracepointFields(group, event string) ([]compiler.TracepointField, error) {
	if f, ok := k.formats.get(group, event); ok {
		return f, nil
	}
	f, err := tracepointFields(group, event)
	if err == nil {
		k.formats.put(group, event, f)
	}
	return f, err
}

func tracepointFields(group, event string) ([]compiler.TracepointField, error) {
	ev, err := tracefs.Format(group, event)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) && os.Geteuid() != 0 {
			return nil, fmt.Errorf("%w (sonde needs root to read tracefs)", err)
		}
		return nil, err // the compiler names the tracepoint
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

// IsBTFName reports whether a type name needs kernel BTF.
func IsBTFName(s string) bool {
	return strings.HasPrefix(s, "struct ") || strings.HasPrefix(s, "union ") || strings.HasPrefix(s, "enum ")
}

// userSymbols resolves uprobe targets with the ELF symbol tables.
type userSymbols struct {
	types *userTypes // DWARF line tables, for BINARY@FILE:LINE
}

// processBinaries expands the binary "*" of uprobe:*:func and
// usdt:*:probe: every file the -p process has mapped.
func processBinaries(pid int) ([]string, error) {
	if pid <= 0 {
		return nil, errors.New(`the binary "*" means every file of a process: run with -p PID`)
	}
	bins, err := usym.ProcessBinaries(pid)
	if err != nil {
		return nil, fmt.Errorf("process %d: %w", pid, err)
	}
	return bins, nil
}

// eachBinary resolves spec with resolve in binary or, for the binary "*",
// in every file process pid has mapped (for a wildcard path, in every ELF
// file it matches), skipping the files where it fails;
// what names spec in the error when no file has it ("function", "USDT probe").
func eachBinary[T any](binary, spec string, pid int, what string, resolve func(binary string) ([]T, error)) ([]T, error) {
	var bins []string
	var err error
	switch {
	case binary == "*":
		bins, err = processBinaries(pid)
	case usym.HasWildcard(binary):
		bins, err = usym.GlobBinaries(binary) // uprobe:./bin/app*:f
	default:
		return resolve(binary)
	}
	if err != nil {
		return nil, err
	}
	var out []T
	for _, b := range bins {
		if ts, err := resolve(b); err == nil {
			out = append(out, ts...)
		}
	}
	if len(out) == 0 && binary != "*" {
		return nil, fmt.Errorf("no %s %s in the files matching %s", what, spec, binary)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s %s in the files of process %d", what, spec, pid)
	}
	return out, nil
}

// openBinary resolves binary (see usym.ResolveBinary) and opens it.
func openBinary(binary string, pid int) (string, *usym.File, error) {
	path, err := usym.ResolveBinary(binary, pid)
	if err != nil {
		return "", nil, err
	}
	f, err := usym.Open(path)
	return path, f, err
}

func (u userSymbols) Uprobes(binary, spec string, pid int) ([]compiler.UprobeTarget, error) {
	return eachBinary(binary, spec, pid, "function", func(b string) ([]compiler.UprobeTarget, error) {
		return u.uprobes(b, spec, pid)
	})
}

func (u userSymbols) uprobes(binary, spec string, pid int) ([]compiler.UprobeTarget, error) {
	if bin, src, ok := sourceLine(binary); ok {
		return u.lineUprobe(bin, src, spec, pid)
	}
	path, f, err := openBinary(binary, pid)
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
			out = append(out, compiler.UprobeTarget{Binary: path, Symbol: s.Name, FileOffset: off, Addr: s.Addr})
		}
		if len(out) == 0 {
			return nil, &compiler.HintError{Msg: fmt.Sprintf("no function in %s matches %s", path, spec), Missing: true}
		}
		return out, nil
	}
	loc, err := f.Resolve(spec)
	if err != nil {
		if errors.Is(err, usym.ErrNoSymbol) {
			if lib := definedByNeeded(path, spec, pid); lib != "" {
				return nil, &compiler.HintError{
					Msg:  fmt.Sprintf("%s exists but no longer defines %s: %s, which it links against, does", path, spec, lib),
					Hint: fmt.Sprintf("probe uprobe:%s:%s", lib, spec), Missing: true}
			}
		}
		return nil, symbolError(err, "function")
	}
	return []compiler.UprobeTarget{{Binary: path, Symbol: loc.Symbol, FileOffset: loc.FileOffset, Addr: loc.Addr}}, nil
}

// definedByNeeded returns the library, among those path links against,
// that defines the function name: glibc 2.34 moved libpthread's, libdl's
// and librt's functions into libc.so.6 and left stubs behind, which old
// scripts still probe.
func definedByNeeded(path, name string, pid int) string {
	if strings.ContainsAny(name, "+:") || strings.HasPrefix(name, "0x") {
		return ""
	}
	ef, err := elf.Open(path)
	if err != nil {
		return ""
	}
	libs, _ := ef.ImportedLibraries()
	ef.Close()
	for _, lib := range libs {
		lpath, lf, err := openBinary(lib, pid)
		if err != nil {
			continue
		}
		if _, err := lf.Resolve(name); err == nil {
			return lpath
		}
	}
	return ""
}

func (u userSymbols) USDT(binary, spec string, pid int) ([]compiler.USDTTarget, error) {
	return eachBinary(binary, spec, pid, "USDT probe", func(b string) ([]compiler.USDTTarget, error) {
		return u.usdt(b, spec, pid)
	})
}

func (userSymbols) usdt(binary, spec string, pid int) ([]compiler.USDTTarget, error) {
	path, f, err := openBinary(binary, pid)
	if err != nil {
		return nil, err
	}
	all, err := f.USDTProbes()
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s has no USDT probes (no .note.stapsdt section)", path)
	}
	probes := f.MatchUSDT(spec)
	if len(probes) == 0 {
		return nil, usdtMiss(path, spec, all)
	}
	var out []compiler.USDTTarget
	for _, p := range probes {
		t := compiler.USDTTarget{Binary: path, Provider: p.Provider, Name: p.Name, PC: p.PC,
			FileOffset: p.FileOffset, SemaphoreOffset: p.SemaphoreOffset, ArgErr: p.ArgErr}
		for _, a := range p.Args {
			ca, err := usdtArg(f, p, a)
			if err != nil {
				t.ArgErr = err
				break
			}
			t.Args = append(t.Args, ca)
		}
		out = append(out, t)
	}
	return out, nil
}

// usdtMiss explains a USDT pattern that matched nothing, suggesting the
// closest probe name.
func usdtMiss(path, spec string, all []usym.USDTProbe) error {
	var names []string
	for _, p := range all {
		names = append(names, p.Provider+":"+p.Name)
	}
	e := &compiler.HintError{Msg: fmt.Sprintf("%s has no USDT probe %s", path, spec)}
	if !strings.Contains(spec, ":") {
		for i, p := range all {
			names[i] = p.Name
		}
	}
	if s := spell.DidYouMean(spec, names); s != "" && !usym.HasWildcard(spec) {
		e.Hint = fmt.Sprintf("did you mean %s?", s)
	}
	return e
}

// usdtArg turns a decoded argument spec into pt_regs offsets. A
// PC-relative operand (sym(%rip)) becomes ip-relative from the probe
// site: when the probe fires, ip holds the site's runtime address.
func usdtArg(f *usym.File, p usym.USDTProbe, a usym.USDTArg) (compiler.USDTArg, error) {
	ca := compiler.USDTArg{Size: a.Size, Signed: a.Signed, Reg: -1, Index: -1, Scale: a.Scale,
		Offset: a.Offset, Const: a.Const}
	switch a.Kind {
	case usym.ArgConst:
		ca.Kind = compiler.USDTConst
		return ca, nil
	case usym.ArgReg:
		ca.Kind = compiler.USDTReg
	default:
		ca.Kind = compiler.USDTMem
	}
	reg := func(name string) (int, error) {
		off, ok := usym.PtRegsOffset(name)
		if !ok {
			return 0, fmt.Errorf("unsupported register %s in argument spec %q", name, p.ArgSpec)
		}
		return off, nil
	}
	if a.Reg == "" {
		// An absolute address (no base register): only meaningful in a
		// file loaded where it was linked.
		if f.Type != elf.ET_EXEC {
			return ca, fmt.Errorf("argument spec %q: absolute address in a position-independent file", p.ArgSpec)
		}
		if a.Symbol != "" {
			s, err := f.Var(a.Symbol)
			if err != nil {
				return ca, fmt.Errorf("argument spec %q: %v", p.ArgSpec, err)
			}
			ca.Offset += int64(s.Addr)
		}
		return ca, nil
	}
	var err error
	if ca.Reg, err = reg(a.Reg); err != nil {
		return ca, err
	}
	if a.IndexReg != "" {
		if ca.Index, err = reg(a.IndexReg); err != nil {
			return ca, err
		}
	}
	if a.Reg == "ip" {
		if a.Symbol == "" {
			return ca, fmt.Errorf("argument spec %q: a numeric PC-relative operand is not supported", p.ArgSpec)
		}
		s, err := f.Var(a.Symbol)
		if err != nil {
			return ca, fmt.Errorf("argument spec %q: %v", p.ArgSpec, err)
		}
		ca.Offset = int64(s.Addr) + a.Offset - int64(p.PC)
	} else if a.Symbol != "" {
		return ca, fmt.Errorf("argument spec %q: a symbolic displacement needs %%rip", p.ArgSpec)
	}
	return ca, nil
}

func (userSymbols) Addr(binary, name string, pid int) (compiler.UserAddr, error) {
	_, f, err := openBinary(binary, pid)
	if err != nil {
		return compiler.UserAddr{}, err
	}
	s, err := f.Var(name)
	if err != nil {
		return compiler.UserAddr{}, symbolError(err, "symbol")
	}
	return compiler.UserAddr{Addr: s.Addr, Size: s.Size, PIE: f.Type != elf.ET_EXEC}, nil
}

// symbolError words a failed lookup in a binary: the closest name as a
// hint, and what to do about a stripped binary.
func symbolError(err error, what string) error {
	var se *usym.SymbolError
	switch {
	case errors.As(err, &se):
		e := &compiler.HintError{Msg: fmt.Sprintf("%s: no %s %q", se.Path, what, se.Name), Missing: true}
		if se.Stripped {
			e.Msg += " (the binary is stripped: only its exported functions are known)"
		}
		if se.Hint != "" {
			e.Hint = fmt.Sprintf("did you mean %s?", se.Hint)
		} else if se.Stripped {
			e.Hint = "probe an unstripped build, or install its debug symbols"
		}
		return e
	case errors.Is(err, usym.ErrStripped):
		return &compiler.HintError{Msg: err.Error(),
			Hint: "probe an unstripped build, or install its debug symbols"}
	}
	return err
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
	return k.sig("f:"+module+":"+name, func(b *kbtf.Kernel) (*kbtf.FuncProto, error) { return b.FuncIn(module, name) })
}

func (k kernelFuncs) RawTracepoint(module, name string) (*compiler.FuncSig, error) {
	return k.sig("rt:"+module+":"+name, func(b *kbtf.Kernel) (*kbtf.FuncProto, error) { return b.RawTracepointIn(module, name) })
}

// sig answers a prototype question from the cache under key, else from
// BTF with lookup (and caches the answer).
func (k kernelFuncs) sig(key string, lookup func(*kbtf.Kernel) (*kbtf.FuncProto, error)) (*compiler.FuncSig, error) {
	defer k.btf.since(time.Now())
	if s, ok := k.btf.cached().fn(key); ok {
		return s, nil
	}
	p, err := lookup(k.btf.kernel())
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
	defer k.btf.since(time.Now())
	return k.btf.kernel().FunctionsIn(module, pattern)
}

func (k kernelFuncs) RawTracepoints(module, pattern string) ([]string, error) {
	defer k.btf.since(time.Now())
	return k.btf.kernel().RawTracepointsIn(module, pattern)
}
