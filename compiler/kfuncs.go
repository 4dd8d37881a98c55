package compiler

import (
	"sonde/plan"

	"fmt"
	"strconv"
	"strings"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/stdlib"
	"sonde/types"
)

// Kernel function probes: kprobe, kretprobe, fentry, fexit and raw
// tracepoints (tp_btf). Their arguments are typed from the kernel's BTF;
// how they are read depends on the mechanism: pt_regs for kprobes, the u64
// argument array for fentry/fexit and tp_btf.

// KernelFuncs answers questions about kernel functions. Optional: nil means
// wildcards and typed args fail with a clear error.
type KernelFuncs interface {
	// Func returns the BTF prototype of a kernel function; module "" is
	// vmlinux.
	Func(module, name string) (*FuncSig, error)
	// RawTracepoint returns a raw tracepoint's arguments, without the
	// tracepoint's private data pointer.
	RawTracepoint(module, name string) (*FuncSig, error)
	// Traceable expands a wildcard against the functions kprobes can attach
	// to (available_filter_functions), sorted.
	Traceable(pattern string) ([]string, error)
	// BTFFunctions expands a wildcard against the functions in BTF, sorted:
	// what fentry/fexit can attach to.
	BTFFunctions(module, pattern string) ([]string, error)
	// RawTracepoints expands a wildcard against the raw tracepoints in BTF.
	RawTracepoints(module, pattern string) ([]string, error)
}

// KprobeResolver is implemented by KernelFuncs that can check a kprobe's
// function against the running kernel before anything is loaded.
type KprobeResolver interface {
	ResolveKprobe(fn string) KprobeTarget
}

// KprobeTarget is what the kernel has for a kprobe's function name.
type KprobeTarget struct {
	Checked bool     // the kernel's function lists could be read
	Exists  bool     // a traceable function has the name
	Addrs   []uint64 // several functions have the name: the address of each
	Clones  []string // no function has the name, but the compiler's clones of it do (fn.isra.0)
	Similar []string // no function has the name: the closest names this kernel has
}

// FuncSig is a kernel function's signature.
type FuncSig struct {
	Params []FuncParam
	Return *types.Type // types.VoidT when the function returns nothing
}

// FuncParam is one parameter.
type FuncParam struct {
	Name string
	Type *types.Type
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// expandKernel expands kprobe/kretprobe/fentry/fexit/rawtracepoint attach
// points, chooses the mechanism the kernel supports and, for kprobe
// wildcards whose body does not depend on the function, shares one program
// (and one kprobe_multi link where the kernel has it).
func (c *compiler) expandKernel(d *provider.Provider, ap *ast.AttachPoint, parts []string) ([]plan.Probe, error) {
	if err := wantParts(d, parts, 1, 2); err != nil {
		return nil, err
	}
	prov := d.Name
	module, fn := "", parts[len(parts)-1]
	if len(parts) == 2 {
		module = parts[0]
	}
	var offset uint64
	if name, off, ok := strings.Cut(fn, "+"); ok {
		if !d.Offset {
			return nil, fmt.Errorf("only kprobes take an offset (%s)", ap.Raw)
		}
		n, err := strconv.ParseUint(off, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("bad offset %q in %s", off, ap.Raw)
		}
		fn, offset = name, n
	}
	if fn == "" {
		return nil, fmt.Errorf("%s: missing function name", ap.Raw)
	}
	wild := hasWildcard(fn) || hasWildcard(module)
	if wild && offset != 0 {
		return nil, fmt.Errorf("%s: a wildcard cannot have an offset", ap.Raw)
	}

	md, note, err := c.mechanism(d, module, fn, offset)
	if err != nil {
		return nil, err
	}
	mech := md.Name

	names := []string{fn}
	if wild {
		names, err = c.matchFuncs(prov, md, module, fn)
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			what := "kernel function"
			if d.Expand == provider.ExpandBTFRawTracepoints {
				what = "raw tracepoint"
			}
			return nil, fmt.Errorf("no %s matches %s", what, fn)
		}
	}
	if note != "" {
		c.spec.Notes = append(c.spec.Notes, note)
	}

	prefix := prov + ":"
	if module != "" {
		prefix += module + ":"
	}
	// A kprobe wildcard whose body is the same for every function shares
	// one program: one kprobe_multi link, or one link per function.
	if wild && md.SharedWildcard && !usesPerFunction(c.curProbe, "args", "probe") {
		multi := c.opts.ProbeSupport == nil || c.opts.ProbeSupport(provider.FeatureKprobeMulti) == nil
		// bpf_get_func_ip knows the function in kprobe_multi and kprobe
		// programs, not in a plain kretprobe.
		if multi || !md.Return || !usesPerFunction(c.curProbe, "func") {
			return []plan.Probe{{Provider: mech, Name: prefix + fn, Event: fn, Symbols: names, Multi: multi}}, nil
		}
	}
	var kaddrs []uint64
	if !wild && module == "" && md.Mech == provider.MechKprobe {
		if kr, ok := c.opts.KernelFuncs.(KprobeResolver); ok {
			t := kr.ResolveKprobe(fn)
			switch {
			case !t.Checked:
			case t.Exists && len(t.Addrs) > 1:
				if offset != 0 {
					return nil, fmt.Errorf("%s%s: %d kernel functions are named %s; an offset needs one", prefix, fn, len(t.Addrs), fn)
				}
				kaddrs = t.Addrs
				c.spec.Notes = append(c.spec.Notes, fmt.Sprintf("%s%s: %d kernel functions are named %s; attaching to each by address", prefix, fn, len(t.Addrs), fn))
			case t.Exists:
			case len(t.Clones) > 0:
				names = t.Clones
				c.spec.Notes = append(c.spec.Notes, fmt.Sprintf("%s%s attaches to %s: this kernel has no plain %s, only the compiler's %s of it",
					prefix, fn, strings.Join(t.Clones, ", "), fn, "clone"+plural(len(t.Clones))))
			default:
				err := fmt.Errorf("%s%s: this kernel has no function %s", prefix, fn, fn)
				if len(t.Similar) > 0 {
					return nil, &withHint{err: err, hint: "did you mean " + strings.Join(t.Similar, ", ") + "?"}
				}
				return nil, err
			}
		}
	}
	out := make([]plan.Probe, 0, len(names))
	for _, n := range names {
		name := prefix + n
		if len(kaddrs) > 0 || len(names) == 1 && n != fn {
			name = prefix + fn // as the script names it
		}
		if offset != 0 {
			name += "+" + strconv.FormatUint(offset, 10)
		}
		out = append(out, plan.Probe{Provider: mech, Name: name, Event: n, Group: module, Offset: offset, KAddrs: kaddrs})
	}
	return out, nil
}

// mechanism picks how a kernel-function probe attaches here: itself, or
// its equivalent (the provider's Alt: kprobe <-> fentry, kretprobe <->
// fexit) when the kernel lacks it. note is the one-line notice for stderr
// when it falls back.
func (c *compiler) mechanism(d *provider.Provider, module, fn string, offset uint64) (mech *provider.Provider, note string, err error) {
	sup := c.opts.ProbeSupport
	if sup == nil || d.Alt == "" {
		return d, "", nil
	}
	prov := d.Name
	err = sup(prov)
	if err == nil {
		return d, "", nil
	}
	alt := d.Alt
	reason := supportReason(prov, err)
	target := fn
	if module != "" {
		target = module + ":" + fn
	}
	if offset != 0 {
		return nil, "", fmt.Errorf("%s:%s+%d: %s; %s cannot attach at an offset", prov, target, offset, reason, alt)
	}
	if aerr := sup(alt); aerr != nil {
		return nil, "", &withHint{
			err:  fmt.Errorf("%s:%s: %s; %s:%s is not available either", prov, target, reason, alt, target),
			hint: alt + ": " + supportReason(alt, aerr),
		}
	}
	return provider.Get(alt), fmt.Sprintf("%s:%s runs as %s:%s (%s)", prov, target, alt, target, reason), nil
}

// supportReason strips the "provider: " prefix of a feature error.
func supportReason(prov string, err error) string {
	s := err.Error()
	return strings.TrimPrefix(s, prov+": ")
}

// withHint is an error that carries a hint for the diagnostic.
type withHint struct {
	err  error
	hint string
}

func (e *withHint) Error() string { return e.err.Error() }
func (e *withHint) Unwrap() error { return e.err }

// matchFuncs expands a function wildcard for the mechanism that attaches.
func (c *compiler) matchFuncs(prov string, mech *provider.Provider, module, pattern string) ([]string, error) {
	kf := c.opts.KernelFuncs
	if kf == nil {
		return nil, fmt.Errorf("wildcards in %s probes need the list of kernel functions, which is not available", prov)
	}
	switch mech.Expand {
	case provider.ExpandBTFRawTracepoints:
		return kf.RawTracepoints(module, pattern)
	case provider.ExpandKallsyms:
		if module != "" {
			return nil, fmt.Errorf("kprobe wildcards in a module are not supported; name the functions")
		}
		return kf.Traceable(pattern)
	}
	names, err := kf.BTFFunctions(module, pattern)
	if err != nil {
		return nil, err
	}
	// fentry attaches only where ftrace can: keep the traceable ones when
	// the kernel lets us read that list.
	if tr, terr := kf.Traceable(pattern); terr == nil && len(tr) > 0 {
		set := make(map[string]bool, len(tr))
		for _, n := range tr {
			set[n] = true
		}
		kept := names[:0]
		for _, n := range names {
			if set[n] {
				kept = append(kept, n)
			}
		}
		names = kept
	}
	return names, nil
}

// usesPerFunction reports whether a probe's body or predicate uses one of
// the builtins that depend on which function fired in a way a shared
// program cannot provide, such as `args` (typed per function) or `probe`
// (the function's probe name).
func usesPerFunction(pr *ast.Probe, builtins ...string) bool {
	if pr == nil {
		return true
	}
	found := false
	visit := func(n ast.Node) bool {
		var name string
		switch x := n.(type) {
		case *ast.Ident:
			name = x.Name
		case *ast.Call:
			if len(x.Args) == 0 {
				name = x.Name
			}
		}
		for _, b := range builtins {
			if name == b {
				found = true
			}
		}
		return !found
	}
	if pr.Pred != nil {
		ast.Walk(pr.Pred, visit)
	}
	if pr.Body != nil {
		ast.Walk(pr.Body, visit)
	}
	return found
}

// sig returns the instance's function signature, loading it on first use.
func (ck *checker) sig(n ast.Node) *FuncSig {
	inst := ck.inst
	if inst.sigDone {
		if inst.sig == nil && inst.sigErr != nil {
			ck.errorf(n, "%v", inst.sigErr)
		}
		return inst.sig
	}
	inst.sigDone = true
	inst.sig, inst.sigErr = ck.loadSig()
	if inst.sigErr != nil {
		ck.errorf(n, "%v", inst.sigErr)
	}
	return inst.sig
}

// loadSig reads the instance's prototype: from the binary's DWARF in
// user-space probes, from BTF for kernel functions.
func (ck *checker) loadSig() (*FuncSig, error) {
	inst := ck.inst
	if inst.d.UserSpace {
		return ck.c.userSig(inst)
	}
	kf := ck.c.opts.KernelFuncs
	switch {
	case kf == nil:
		return nil, fmt.Errorf("typed arguments need kernel BTF, which is not available")
	case len(inst.p.Symbols) > 0:
		return nil, fmt.Errorf("args are not available in a probe on many functions")
	case inst.d.Expand == provider.ExpandBTFRawTracepoints:
		return kf.RawTracepoint(inst.p.Group, inst.p.Event)
	}
	return kf.Func(inst.p.Group, inst.p.Event)
}

// argSlot says where argument i of the instance's function lives: a
// pt_regs offset for kprobes, an 8-byte slot in the context otherwise.
func (ck *checker) argSlot(n ast.Node, sig *FuncSig, i int, what string) (int16, bool) {
	d := ck.inst.d
	switch {
	case d.Context == provider.CtxRegs && !d.Return:
		regs := 0
		for j := 0; j < i; j++ {
			regs += slots(sig.Params[j].Type)
		}
		if regs >= len(stdlib.PtRegsArgs) {
			ck.errorf(n, "%s is passed on the stack (beyond the 6 register arguments of x86_64); read it with fentry", what)
			return 0, false
		}
		return stdlib.PtRegsArgs[regs], true
	case d.Context == provider.CtxRegs:
		ck.errorf(n, "%s is not available in %s probes: the registers are gone at return; use %s", what, d.Name, d.Alt)
		return 0, false
	}
	s := 0
	for j := 0; j < i; j++ {
		s += slots(sig.Params[j].Type)
	}
	return int16(8 * s), true
}

// slots is how many 8-byte registers/slots a parameter takes.
func slots(t *types.Type) int {
	if t == nil || t.Size <= 8 {
		return 1
	}
	return (t.Size + 7) / 8
}

// regType is how an argument held in a register reads: scalars as they
// are, anything else is not readable from one register.
func regType(t *types.Type) bool {
	switch t.Kind {
	case types.Int, types.Bool, types.Pointer, types.Enum:
		return t.Size <= 8
	}
	return false
}

// kernelArgsField types args.NAME in kernel-function probes.
func (ck *checker) kernelArgsField(e *ast.Field) *types.Type {
	if d := ck.inst.d; d.Context == provider.CtxRegs && d.Return {
		ck.errorf(e, "args is not available in %s probes: the registers are gone at return; use %s", d.Name, d.Alt)
		return nil
	}
	sig := ck.sig(e)
	if sig == nil {
		return nil
	}
	var names []string
	for i, p := range sig.Params {
		if p.Name != e.Name {
			names = append(names, p.Name)
			continue
		}
		if !regType(p.Type) {
			ck.errorf(e, "args.%s is a %s passed by value, which sonde cannot read", e.Name, p.Type)
			return nil
		}
		if _, ok := ck.argSlot(e, sig, i, "args."+e.Name); !ok {
			return nil
		}
		return p.Type
	}
	hint := ""
	if s := didYouMean(e.Name, names); s != "" {
		hint = fmt.Sprintf("did you mean args.%s?", s)
	} else if len(names) > 0 {
		hint = "its arguments are " + strings.Join(names, ", ")
	}
	ck.errorHint(e, hint, "%s has no argument %s", ck.inst.p.Event, e.Name)
	return nil
}

// kernelArgN types argN.
func (ck *checker) kernelArgN(id *ast.Ident, n int) *types.Type {
	if d := ck.inst.d; d.Context == provider.CtxRegs {
		if d.Return {
			ck.errorf(id, "%s is not available in %s probes: the registers are gone at return", id.Name, d.Name)
			return nil
		}
		if n >= len(stdlib.PtRegsArgs) {
			ck.errorf(id, "%s is beyond the 6 register arguments of x86_64", id.Name)
			return nil
		}
		return types.Uint64
	}
	// fentry/fexit/tp_btf: the context is the argument array; reading past
	// its end is refused by the verifier, so check against BTF when it is
	// at hand.
	if ck.c.opts.KernelFuncs != nil && len(ck.inst.p.Symbols) == 0 {
		if sig := ck.sig(id); sig != nil {
			total := 0
			for _, p := range sig.Params {
				total += slots(p.Type)
			}
			if n >= total {
				ck.errorf(id, "%s: %s has %d arguments", id.Name, ck.inst.p.Event, len(sig.Params))
				return nil
			}
		}
	}
	return types.Uint64
}

// retvalType types retval: from the prototype where BTF has it.
func (ck *checker) retvalType(id *ast.Ident) *types.Type {
	d := ck.inst.d
	switch {
	case !d.Return:
		ck.errorf(id, "retval is only available in %s probes", provider.Describe(func(d *provider.Provider) bool { return d.Return }))
		return nil
	case d.UserSpace:
		return ck.userRetval()
	case d.Args != provider.ArgsBTF:
		return types.Uint64
	}
	// In the registers (kretprobe) BTF is optional; in the argument
	// array (fexit) it says where retval is.
	optional := d.Context == provider.CtxRegs
	if optional && (ck.c.opts.KernelFuncs == nil || len(ck.inst.p.Symbols) > 0) {
		return types.Uint64
	}
	sig := ck.sig(id)
	if sig == nil {
		if optional {
			return types.Uint64
		}
		return nil
	}
	if sig.Return == nil || sig.Return.Kind == types.Void {
		if !optional {
			ck.errorf(id, "%s returns void: there is no retval", ck.inst.p.Event)
			return nil
		}
		return types.Uint64
	}
	if !regType(sig.Return) {
		return types.Uint64
	}
	return sig.Return
}

// funcType types `func`: the traced function, printed as its symbol.
func (ck *checker) funcType(id *ast.Ident) *types.Type {
	switch ck.inst.d.Func {
	case provider.FuncKernel:
	case provider.FuncSymbol:
		// Each uprobe instance is one function: its name is a constant.
		if ck.inst.p.Symbol == "" {
			ck.errorf(id, "func is unknown for a uprobe on an address")
			return nil
		}
		return types.StringType(len(ck.inst.p.Symbol) + 1)
	default:
		ck.errorf(id, "func is only available in %s probes", provider.Describe(func(d *provider.Provider) bool { return d.Func != provider.FuncNone }))
		return nil
	}
	if len(ck.inst.p.Symbols) == 0 && ck.c.opts.Symbols != nil {
		if addr, ok := ck.c.opts.Symbols.KernelAddr(ck.inst.p.Event); ok && addr != 0 {
			ck.inst.funcAddr = addr
		}
	}
	return types.KSymT
}

func (g *gen) funcValue(t *types.Type) value {
	if t.Kind == types.String {
		return g.stringLit(g.inst.p.Symbol, t)
	}
	if g.inst.funcAddr != 0 {
		return value{t: t, reg: g.imm(int64(g.inst.funcAddr))}
	}
	// bpf_get_func_ip (5.15+): the function's address in kprobe,
	// kprobe_multi, fentry and fexit programs.
	g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord), asm.FnGetFuncIp.Call())
	v := g.newReg()
	g.emit(asm.Mov.Reg(g.r(v), asm.R0))
	return value{t: t, reg: v}
}

// loadCtx reads the u64 at ctx+off into a new register, narrowed to t.
func (g *gen) loadCtx(off int16, t *types.Type) value {
	v := g.newReg()
	r := g.r(v)
	g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord), asm.LoadMem(r, asm.R1, off, asm.DWord))
	g.narrow(r, t)
	return value{t: t, reg: v}
}

// narrow truncates (and sign-extends) a register read as u64 to t.
func (g *gen) narrow(r asm.Register, t *types.Type) {
	switch {
	case t.Kind == types.Bool:
		nz := g.newLabel("nz")
		g.emit(asm.JEq.Imm(r, 0, nz), asm.Mov.Imm(r, 1))
		g.bind(nz)
		g.emit(asm.Mov.Reg(r, r))
	case (t.Kind == types.Int || t.Kind == types.Enum) && t.Size < 8:
		if t.Signed {
			g.signExtend(r, t.Size)
		} else if t.Size == 4 {
			g.emit(asm.Mov.Reg32(r, r))
		} else {
			g.emit(asm.And.Imm(r, int32(int64(1)<<(t.Size*8)-1)))
		}
	}
}

// kernelArgsField reads args.NAME.
func (g *gen) kernelArgsField(e *ast.Field) value {
	t := g.typeOf(e)
	ck := &checker{c: g.c, inst: g.inst, final: true}
	sig := ck.sig(e)
	for i, p := range sig.Params {
		if p.Name == e.Name {
			off, _ := ck.argSlot(e, sig, i, e.Name)
			return g.loadCtx(off, t)
		}
	}
	panic("compiler: unknown kernel argument " + e.Name)
}

// kernelArgN reads argN.
func (g *gen) kernelArgN(n int, t *types.Type) value {
	if g.inst.d.Context == provider.CtxRegs {
		return g.loadCtx(stdlib.PtRegsArgs[n], t)
	}
	return g.loadCtx(int16(8*n), t)
}

// retvalValue reads retval.
func (g *gen) retvalValue(t *types.Type) value {
	switch g.inst.d.Context {
	case provider.CtxArgs:
		s := 0
		for _, p := range g.inst.sig.Params {
			s += slots(p.Type)
		}
		return g.loadCtx(int16(8*s), t)
	}
	return g.loadCtx(stdlib.PtRegsAX, t)
}

// StrReader picks the helper str() reads with (stdlib.Gen).
func (g *gen) StrReader(t *types.Type) asm.BuiltinFunc {
	switch {
	case g.userSpace(t):
		return asm.FnProbeReadUserStr
	case g.inst.d.Expand.KernelFunc():
		// Kernel functions take user and kernel pointers alike, and BTF
		// rarely says which (no __user tags without clang): the x86 compat
		// helper picks the address space by the address.
		return asm.FnProbeReadStr
	}
	return asm.FnProbeReadKernelStr
}
