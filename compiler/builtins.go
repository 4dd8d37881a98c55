package compiler

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// builtinVar is a builtin variable: its type and how to compute it.
type builtinVar struct {
	typ func(ck *checker, id *ast.Ident) *types.Type
	gen func(g *gen, t *types.Type) value
}

func fixed(t *types.Type) func(*checker, *ast.Ident) *types.Type {
	return func(*checker, *ast.Ident) *types.Type { return t }
}

// helperValue calls a helper with no arguments and post-processes R0.
func helperValue(fn asm.BuiltinFunc, post ...asm.Instruction) func(*gen, *types.Type) value {
	return func(g *gen, t *types.Type) value {
		g.emit(fn.Call())
		v := g.newReg()
		r := g.r(v)
		g.emit(asm.Mov.Reg(r, asm.R0))
		for _, p := range post {
			p.Dst = r
			g.emit(p)
		}
		return value{t: t, reg: v}
	}
}

// x86_64 struct pt_regs offsets of the argument and return registers.
var ptRegsArgs = []int16{112, 104, 96, 88, 72, 64}

const ptRegsAX = 80

var builtinVars map[string]*builtinVar

func init() {
	builtinVars = map[string]*builtinVar{
		"pid":      {fixed(types.Uint32), helperValue(asm.FnGetCurrentPidTgid, asm.RSh.Imm(0, 32))},
		"tid":      {fixed(types.Uint32), helperValue(asm.FnGetCurrentPidTgid, asm.Mov.Reg32(0, 0))},
		"uid":      {fixed(types.Uint64), helperValue(asm.FnGetCurrentUidGid, asm.Mov.Reg32(0, 0))},
		"gid":      {fixed(types.Uint64), helperValue(asm.FnGetCurrentUidGid, asm.RSh.Imm(0, 32))},
		"nsecs":    {fixed(types.Uint64), helperValue(asm.FnKtimeGetBootNs)},
		"cpu":      {fixed(types.Uint32), helperValue(asm.FnGetSmpProcessorId)},
		"cgroup":   {fixed(types.Uint64), helperValue(asm.FnGetCurrentCgroupId)},
		"rand":     {fixed(types.Uint32), helperValue(asm.FnGetPrandomU32)},
		"jiffies":  {fixed(types.Uint64), helperValue(asm.FnJiffies64)},
		"numaid":   {fixed(types.Uint32), helperValue(asm.FnGetNumaNodeId)},
		"username": {fixed(&types.Type{Kind: types.Username, Size: 8}), helperValue(asm.FnGetCurrentUidGid, asm.Mov.Reg32(0, 0))},
		"ncpus": {fixed(types.Uint64), func(g *gen, t *types.Type) value {
			return value{t: t, reg: g.imm(int64(g.c.opts.Facts.NumCPUs()))}
		}},
		"comm": {fixed(types.StringType(16)), func(g *gen, t *types.Type) value {
			l := g.alloc(16)
			// Before 6.x, get_current_comm leaves the bytes after the NUL
			// as they were (strscpy without padding): zero them, or equal
			// comms make different map keys.
			g.zero(l, 16)
			g.addr(asm.R1, l)
			g.emit(asm.Mov.Imm(asm.R2, 16), asm.FnGetCurrentComm.Call())
			return value{t: t, mem: l}
		}},
		"elapsed": {fixed(types.Uint64), func(g *gen, t *types.Type) value {
			g.c.usesStart = true
			v := helperValue(asm.FnKtimeGetBootNs)(g, t)
			g.global(globalStartTime)
			r := g.r(v.reg)
			g.emit(asm.Sub.Reg(r, asm.R0))
			return v
		}},
		"cpid": {fixed(types.Uint32), func(g *gen, t *types.Type) value {
			g.global(globalCpid)
			v := g.newReg()
			g.emit(asm.Mov.Reg(g.r(v), asm.R0))
			return value{t: t, reg: v}
		}},
		"probe": {fixed(types.ProbeT), func(g *gen, t *types.Type) value {
			return value{t: t, reg: g.imm(int64(g.inst.p.ID))}
		}},
		"curtask": {func(ck *checker, id *ast.Ident) *types.Type { return ck.taskType() },
			helperValue(asm.FnGetCurrentTask)},
		"retval": {(*checker).retvalType, (*gen).retvalValue},
		"func":   {(*checker).funcType, (*gen).funcValue},
		"kstack": {func(ck *checker, id *ast.Ident) *types.Type { return ck.stackArgs(id, false, nil) }, (*gen).stackValue},
		"ppid": {func(ck *checker, id *ast.Ident) *types.Type {
			if ck.c.opts.KernelTypes == nil {
				ck.errorf(id, "ppid needs kernel BTF")
				return nil
			}
			return types.Uint32
		}, func(g *gen, t *types.Type) value {
			return g.taskPath(t, "real_parent", "tgid")
		}},
	}
}

const (
	globalStartTime = 0
	globalCpid      = 8
	globalsSize     = 16
)

// global loads a u64 from the runtime-filled globals map into R0.
func (g *gen) global(off int16) {
	g.c.usesStart = true
	l := g.alloc(8)
	b, o := g.base(l, asm.R5)
	g.emit(storeImm(b, o, 0, asm.DWord))
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(startMap))
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
	cur := helperValue(asm.FnGetCurrentTask)(g, types.Uint64)
	st, _ := kt.Type("struct task_struct")
	for i, name := range path {
		f, err := kt.Field(st, name)
		if err != nil {
			g.c.errorAt(ast.Span{}, "", "%v", err)
			return value{t: t, reg: g.imm(0)}
		}
		ft := types.Uint64
		if i == len(path)-1 {
			ft = types.IntType(f.Type.Size, f.Type.Signed)
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
	if bv, ok := builtinVars[name]; ok {
		return bv.typ(ck, id)
	}
	if strings.HasPrefix(name, "arg") {
		if n, err := strconv.Atoi(name[3:]); err == nil {
			if isKernelFunc(ck.inst.p.Provider) {
				return ck.kernelArgN(id, n)
			}
			switch ck.inst.p.Provider {
			case ProviderKprobe, ProviderUprobe, ProviderUSDT:
				if n >= len(ptRegsArgs) {
					ck.errorf(id, "%s is beyond the 6 register arguments of x86_64", name)
					return nil
				}
				if ck.inst.p.Provider == ProviderUprobe {
					return types.Uint64
				}
				return types.Uint64
			}
			ck.errorf(id, "%s is only available in kprobe and uprobe probes", name)
			return nil
		}
	}
	if name == "args" {
		ck.errorf(id, "args must be followed by a field, as in args.%s", firstField(ck.inst))
		return nil
	}
	if kt := ck.c.opts.KernelTypes; kt != nil {
		if v, t, ok := kt.EnumValue(name); ok {
			ck.inst.enumVals[id] = v
			if t == nil {
				t = types.Int64
			}
			return t
		}
	}
	var names []string
	for n := range builtinVars {
		names = append(names, n)
	}
	sort.Strings(names)
	hint := ""
	if s := didYouMean(name, names); s != "" {
		hint = fmt.Sprintf("did you mean %s?", s)
	}
	ck.errorHint(id, hint, "unknown identifier %s", name)
	return nil
}

func firstField(inst *instance) string {
	if len(inst.fields) > 0 {
		return inst.fields[0].Name
	}
	return "name"
}

func (g *gen) ident(id *ast.Ident) value {
	t := g.typeOf(id)
	if bv, ok := builtinVars[id.Name]; ok {
		return bv.gen(g, t)
	}
	if strings.HasPrefix(id.Name, "arg") {
		n, _ := strconv.Atoi(id.Name[3:])
		if isKernelFunc(g.inst.p.Provider) {
			return g.kernelArgN(n, t)
		}
		v := g.newReg()
		r := g.r(v)
		g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord), asm.LoadMem(r, asm.R1, ptRegsArgs[n], asm.DWord))
		return value{t: t, reg: v}
	}
	if v, ok := g.inst.enumVals[id]; ok {
		return value{t: t, reg: g.imm(v)}
	}
	panic("compiler: unknown identifier " + id.Name)
}
