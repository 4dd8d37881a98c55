package compiler

import (
	"fmt"

	"strconv"
	"strings"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/stdlib"
	"sonde/types"
)

// global loads a u64 from the runtime-filled globals map into R0.
func (g *gen) global(off int16) {
	g.c.usesGlobals = true
	l := g.alloc(8)
	b, o := g.base(l, asm.R5)
	g.emit(storeImm(b, o, 0, asm.DWord))
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(globalsMap))
	g.addr(asm.R2, l)
	g.emit(asm.FnMapLookupElem.Call())
	ok := g.newLabel("glob")
	g.emit(asm.JNE.Imm(asm.R0, 0, ok), asm.Ja.Label(g.exitLabel))
	g.bind(ok)
	g.emit(asm.LoadMem(asm.R0, asm.R0, off, asm.DWord))
}

func (ck *checker) taskType() *types.Type {
	if kt := ck.c.opts.KernelTypes; kt != nil {
		if t, err := kt.Type("struct task_struct"); err == nil {
			return types.PointerTo(&types.Type{Kind: types.Struct, Name: t.Name, Size: t.Size}, false)
		}
	}
	return types.Uint64
}

// taskPath walks curtask->a->b with kernel reads.
func (g *gen) taskPath(t *types.Type, path ...string) value {
	kt := g.c.opts.KernelTypes
	cur := value{t: types.Uint64, reg: g.callResult(asm.FnGetCurrentTask)}
	st, _ := kt.Type("struct task_struct")
	for i, name := range path {
		f, err := kt.Field(st, name)
		if err != nil {
			g.c.errorAt(g.builtin.Span(), "", "%v", err)
			return value{t: t, reg: g.imm(0)}
		}
		ft := types.Uint64
		if i == len(path)-1 {
			ft = types.IntType(f.Type.Size, f.Type.Signed)
			if t.Kind == types.String {
				ft = t // a char array read as a string (pcomm)
			}
		} else if f.Type.Elem != nil {
			st, _ = kt.Type(f.Type.Elem.Name)
		}
		cur = g.deref(cur, types.PointerTo(nil, false), ft, f.Offset)
	}
	cur.t = t
	return cur
}

func (ck *checker) ident(id *ast.Ident) *types.Type {
	name := id.Name
	if bv, ok := stdlib.LookupVar(name); ok {
		return bv.Type(ck, id)
	}
	if fn, ok := stdlib.LookupFunc(name); ok && fn.Bare {
		call := &ast.Call{At: id.At, Name: name}
		ck.inst.data[id] = call
		t := ck.call(call, false)
		ck.inst.types[call] = t
		return t
	}
	if strings.HasPrefix(name, "arg") {
		if n, err := strconv.Atoi(name[3:]); err == nil {
			switch ck.inst.d.Args {
			case provider.ArgsUSDT:
				return ck.usdtArg(id, n)
			case provider.ArgsBTF:
				return ck.kernelArgN(id, n)
			case provider.ArgsRegs:
				if n >= len(stdlib.PtRegsArgs) {
					ck.errorf(id, "%s is beyond the 6 register arguments of x86_64", name)
					return nil
				}
				return types.Uint64
			}
			ck.errorf(id, "%s is only available in kprobe and uprobe probes", name)
			return nil
		}
	}
	if name == "args" {
		if ck.inst.d.Args == provider.ArgsTracepoint && len(ck.inst.fields) > 0 {
			return ck.argsRecord(id)
		}
		ck.errorf(id, "args must be followed by a field, as in args.%s", firstField(ck.inst))
		return nil
	}
	// As a C compiler sees them: a header's macro hides an enum constant
	// of the same name; the script's own #defines were replaced already.
	if h := ck.c.opts.Headers; h != nil {
		if v, unsigned, ok := h.Constant(name); ok {
			ck.inst.enumVals[id] = v
			if unsigned && v < 0 {
				return types.Uint64
			}
			return types.Int64
		}
	}
	if kt := ck.c.typeSource(ck.inst); kt != nil {
		if v, t, ok := kt.EnumValue(name); ok {
			ck.inst.enumVals[id] = v
			if t == nil {
				t = types.Int64
			}
			return t
		}
	}
	// Functions that need no arguments are written bare too (ustack).
	names := stdlib.VarNames()
	for _, n := range stdlib.FuncNames() {
		if f, _ := stdlib.LookupFunc(n); f.Min == 0 {
			names = append(names, n)
		}
	}
	hint := ""
	if s := didYouMean(name, names); s != "" {
		hint = fmt.Sprintf("did you mean %s?", s)
	}
	if h := ck.c.opts.Headers; h != nil {
		detail, hh := h.Unknown(name)
		if hh != "" {
			hint = hh
		}
		if detail != "" {
			ck.errorHint(id, hint, "unknown identifier %s: %s", name, detail)
			return nil
		}
	}
	ck.errorHint(id, hint, "unknown identifier %s", name)
	return nil
}

// argsRecord types a tracepoint's args as a whole value, a record of its
// fields (print(args), @[args]): each field is read as args.NAME would be.
func (ck *checker) argsRecord(id *ast.Ident) *types.Type {
	var (
		reads []*ast.Field
		names []string
		elems []*types.Type
	)
	for _, f := range ck.inst.fields {
		fe := &ast.Field{At: id.At, X: &ast.Ident{At: id.At, Name: "args"}, Name: f.Name}
		t := ck.expr(fe)
		if t == nil {
			return nil
		}
		reads = append(reads, fe)
		names = append(names, f.Name)
		elems = append(elems, storageType(t))
	}
	ck.inst.data[id] = reads
	return types.RecordOf(names, elems)
}

// argsRecord fills the record argsRecord typed.
func (g *gen) argsRecord(id *ast.Ident, reads []*ast.Field) value {
	t := g.typeOf(id)
	l := g.alloc(t.Size)
	g.zero(l, t.Size)
	for i, fe := range reads {
		v := g.expr(fe)
		g.store(l.plus(t.Fields[i].Offset), t.Fields[i].Type, v)
		g.freeVal(v)
	}
	return value{t: t, mem: l}
}

func firstField(inst *instance) string {
	if len(inst.fields) > 0 {
		return inst.fields[0].Name
	}
	return "name"
}

// builtinVar lowers the builtin variable v written at n.
func (g *gen) builtinVar(v *stdlib.Var, n ast.Node, t *types.Type) value {
	outer := g.builtin
	g.builtin = n
	defer func() { g.builtin = outer }()
	return asValue(v.Gen(g, t))
}

func (g *gen) ident(id *ast.Ident) value {
	t := g.typeOf(id)
	if bv, ok := stdlib.LookupVar(id.Name); ok {
		return g.builtinVar(bv, id, t)
	}
	if call, ok := g.inst.data[id].(*ast.Call); ok {
		return g.call(call)
	}
	if reads, ok := g.inst.data[id].([]*ast.Field); ok {
		return g.argsRecord(id, reads)
	}
	if strings.HasPrefix(id.Name, "arg") {
		n, _ := strconv.Atoi(id.Name[3:])
		switch g.inst.d.Args {
		case provider.ArgsUSDT:
			return g.usdtArg(n, t)
		case provider.ArgsBTF:
			return g.kernelArgN(n, t)
		}
		v := g.newReg()
		r := g.r(v)
		g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord), asm.LoadMem(r, asm.R1, stdlib.PtRegsArgs[n], asm.DWord))
		return value{t: t, reg: v}
	}
	if v, ok := g.inst.enumVals[id]; ok {
		return value{t: t, reg: g.imm(v)}
	}
	panic("compiler: unknown identifier " + id.Name)
}
