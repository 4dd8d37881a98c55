package compiler

import (
	"fmt"
	"sonde/plan"

	"errors"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/stdlib"
	"sonde/types"
)

// The checker and the generator implement the interfaces through which the
// stdlib catalogue types and lowers its builtins.
var (
	_ stdlib.Checker = (*checker)(nil)
	_ stdlib.Gen     = (*gen)(nil)
)

func (v value) Type() *types.Type { return v.t }

func (l loc) Plus(n int) stdlib.Slot { return l.plus(n) }

// asValue turns a catalogue value back into the generator's.
func asValue(v stdlib.Value) value {
	if gv, ok := v.(value); ok {
		return gv
	}
	return value{t: v.Type()}
}

// ---- stdlib.Checker ----

func (ck *checker) Expr(e ast.Expr) *types.Type                { return ck.expr(e) }
func (ck *checker) IntArg(call *ast.Call, i int) *types.Type   { return ck.intArg(call, i) }
func (ck *checker) SetType(e ast.Expr, t *types.Type)          { ck.inst.types[e] = t }
func (ck *checker) Errorf(n ast.Node, format string, a ...any) { ck.errorf(n, format, a...) }
func (ck *checker) ErrorHint(n ast.Node, hint, format string, a ...any) {
	ck.errorHint(n, hint, format, a...)
}
func (ck *checker) SetData(n ast.Node, v any)         { ck.inst.data[n] = v }
func (ck *checker) Provider() string                  { return ck.inst.p.Provider }
func (ck *checker) InLoop() bool                      { return ck.loops > 0 }
func (ck *checker) Positional(n int) string           { return ck.c.opts.Positional(n) }
func (ck *checker) MaxStrlen() int                    { return ck.c.cfg.MaxStrlen }
func (ck *checker) MapKeys(m *ast.MapRef) *types.Type { return ck.mapKey(m) }
func (ck *checker) KeyFits(key, t *types.Type) bool {
	return unify(key, storageType(t)) != nil
}
func (ck *checker) TaskType() *types.Type { return ck.taskType() }

func (ck *checker) CtxType() (*types.Type, error) {
	kt := ck.c.opts.KernelTypes
	switch ck.inst.d.Context {
	case provider.CtxIter:
		t, err := iterCtxType(kt, ck.inst.p.Event)
		if err != nil {
			return nil, err
		}
		return types.PointerTo(t, false), nil
	case provider.CtxRegs:
		if kt != nil {
			if t, err := kt.Type("struct pt_regs"); err == nil {
				return types.PointerTo(t, false), nil
			}
		}
	}
	return types.Uint64, nil
}
func (ck *checker) HasBTF() bool { return ck.c.opts.KernelTypes != nil }

func (ck *checker) Map(m *ast.MapRef) (key *types.Type, keyless, ok bool) {
	ms := ck.c.maps[mapName(m.Name)]
	if ms == nil {
		ck.errorf(m, "unknown map %s", mapName(m.Name))
		ck.c.pending = true
		return nil, false, false
	}
	return ms.key, ms.key == nil && ms.keyless, true
}

func (ck *checker) KernelAddr(name string) (addr uint64, found, available bool) {
	syms := ck.c.opts.Symbols
	if syms == nil {
		return 0, false, false
	}
	addr, found = syms.KernelAddr(name)
	return addr, found, true
}

// ---- stdlib.Gen ----

func (g *gen) Emit(ins ...asm.Instruction)          { g.emit(ins...) }
func (g *gen) NewLabel(hint string) string          { return g.newLabel(hint) }
func (g *gen) Bind(label string)                    { g.bind(label) }
func (g *gen) ExitLabel() string                    { return g.exitLabel }
func (g *gen) Expr(e ast.Expr) stdlib.Value         { return g.expr(e) }
func (g *gen) TypeOf(e ast.Expr) *types.Type        { return g.typeOf(e) }
func (g *gen) SetTypeOf(e ast.Expr, t *types.Type)  { g.inst.types[e] = t }
func (g *gen) Data(n ast.Node) any                  { return g.inst.data[n] }
func (g *gen) Reg(v stdlib.Value) asm.Register      { return g.r(asValue(v).reg) }
func (g *gen) Free(v stdlib.Value)                  { g.freeVal(asValue(v)) }
func (g *gen) Alloc(size int) stdlib.Slot           { return g.alloc(size) }
func (g *gen) Mem(v stdlib.Value) stdlib.Slot       { return asValue(v).mem }
func (g *gen) Addr(dst asm.Register, s stdlib.Slot) { g.addr(dst, s.(loc)) }
func (g *gen) Zero(s stdlib.Slot, size int)         { g.zero(s.(loc), size) }
func (g *gen) Copy(dst, src stdlib.Slot, size int)  { g.copyMem(dst.(loc), src.(loc), size) }
func (g *gen) UserSpace(t *types.Type) bool         { return g.userSpace(t) }
func (g *gen) ProbeID() int                         { return g.inst.p.ID }
func (g *gen) NumCPUs() int                         { return g.c.opts.Facts.NumCPUs() }
func (g *gen) Positional(n int) string              { return g.c.opts.Positional(n) }
func (g *gen) MaxStrlen() int                       { return g.c.cfg.MaxStrlen }
func (g *gen) AddAction(a *plan.Action) int         { return g.c.addAction(a) }
func (g *gen) Output(s stdlib.Slot, size int)       { g.emitOutput(s.(loc), size) }

func (g *gen) NewValue(t *types.Type) stdlib.Value { return value{t: t, reg: g.newReg()} }
func (g *gen) Imm(t *types.Type, n int64) stdlib.Value {
	return value{t: t, reg: g.imm(n)}
}
func (g *gen) WithType(v stdlib.Value, t *types.Type) stdlib.Value {
	gv := asValue(v)
	gv.t = t
	return gv
}
func (g *gen) MemValue(t *types.Type, s stdlib.Slot) stdlib.Value {
	return value{t: t, mem: s.(loc)}
}
func (g *gen) Base(s stdlib.Slot, tmp asm.Register) (asm.Register, int16) {
	return g.base(s.(loc), tmp)
}
func (g *gen) Store(dst stdlib.Slot, t *types.Type, v stdlib.Value) {
	g.store(dst.(loc), t, asValue(v))
}
func (g *gen) StoreImm(s stdlib.Slot, v int64) {
	b, off := g.base(s.(loc), asm.R5)
	g.emit(storeImm(b, off, v, asm.DWord))
}
func (g *gen) StringLit(s string, t *types.Type) stdlib.Value { return g.stringLit(s, t) }
func (g *gen) LoadCtx(dst asm.Register) {
	g.emit(asm.LoadMem(dst, asm.RFP, ctxSlot, asm.DWord))
}
func (g *gen) TaskPath(t *types.Type, path ...string) stdlib.Value {
	return g.taskPath(t, path...)
}

func (g *gen) Global(which int) {
	switch which {
	case stdlib.GlobalStartTime:
		g.global(plan.GlobalStartTime)
	case stdlib.GlobalCpid:
		g.global(plan.GlobalChildPid)
	case stdlib.GlobalTAIOffset:
		g.global(plan.GlobalTAIOffset)
	default:
		panic("compiler: unknown global")
	}
}

// SendEvent lays the arguments out as they are stored (integers widened)
// and sends one record.
func (g *gen) SendEvent(a *plan.Action, args []ast.Expr) {
	var elems []*types.Type
	for _, x := range args {
		elems = append(elems, storageType(g.typeOf(x)))
	}
	if len(elems) > 0 {
		a.Args = types.TupleOf(elems...)
	}
	g.sendEvent(g.c.addAction(a), a.Args, args)
}

func (g *gen) MapKey(m *ast.MapRef) stdlib.Slot {
	key, _ := g.keyFor(m, g.mapInfo(m), 0)
	return key
}
func (g *gen) MapKeyType(m *ast.MapRef) *types.Type { return g.mapInfo(m).Key }
func (g *gen) LoadMap(dst asm.Register, m *ast.MapRef) {
	g.emit(asm.LoadMapPtr(dst, 0).WithReference(g.mapInfo(m).MapName))
}
func (g *gen) Lookup(m *ast.MapRef, key stdlib.Slot) { g.lookup(g.mapInfo(m), key.(loc)) }

func (ck *checker) ParamErrorf(format string, args ...any) {
	if ck.c.paramErr == "" {
		ck.c.paramErr = fmt.Sprintf(format, args...)
	}
}

func (ck *checker) Param(name, doc string) (string, bool) {
	if ck.c.usedParams == nil {
		ck.c.usedParams = map[string]string{}
	}
	if doc != "" || ck.c.usedParams[name] == "" {
		ck.c.usedParams[name] = doc
	}
	v, ok := ck.c.opts.Params[name]
	return v, ok
}

func (ck *checker) CgroupID(path string) (uint64, error) {
	r, ok := ck.c.opts.Facts.(CgroupResolver)
	if !ok {
		return 0, errors.New("cgroup ids are not available")
	}
	return r.CgroupID(path)
}

// ---- kernel functions (kfuncs.go) ----

func (ck *checker) RetvalType(id *ast.Ident) *types.Type { return ck.retvalType(id) }
func (ck *checker) FuncType(id *ast.Ident) *types.Type   { return ck.funcType(id) }

func (g *gen) Retval(t *types.Type) stdlib.Value { return g.retvalValue(t) }
func (g *gen) FuncIP(t *types.Type) stdlib.Value { return g.funcValue(t) }
