package compiler

import (
	"fmt"
	"sort"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// function is one callable: how it types and how it lowers. Statement-only
// functions (printf, exit...) return VoidT.
type function struct {
	min, max int
	unsafe   bool
	typ      func(ck *checker, call *ast.Call) *types.Type
	gen      func(g *gen, call *ast.Call) value
}

var functions map[string]*function

func init() {
	functions = map[string]*function{
		"printf": {min: 1, max: 64, typ: formatted, gen: genAction(ActPrintf)},
		"errorf": {min: 1, max: 64, typ: formatted, gen: genAction(ActErrorf)},
		"warnf":  {min: 1, max: 64, typ: formatted, gen: genAction(ActWarnf)},
		"cat":    {min: 1, max: 64, typ: formatted, gen: genAction(ActCat)},
		"system": {min: 1, max: 64, unsafe: true, typ: formatted, gen: genAction(ActSystem)},
		"time":   {min: 0, max: 1, typ: typeTime, gen: genAction(ActTime)},
		"exit":   {min: 0, max: 1, typ: typeExit, gen: genExit},
		"print":  {min: 1, max: 3, typ: typePrint, gen: genPrint},
		"clear":  {min: 1, max: 1, typ: typeMapArg, gen: genMapAction(ActClear)},
		"zero":   {min: 1, max: 1, typ: typeMapArg, gen: genMapAction(ActZero)},
		"str":    {min: 1, max: 2, typ: typeStr, gen: genStr},
		"strftime": {min: 2, max: 2, typ: typeStrftime, gen: func(g *gen, call *ast.Call) value {
			v := g.expr(call.Args[1])
			return value{t: g.typeOf(call), reg: v.reg}
		}},
		"join":    {min: 1, max: 2, typ: typeJoin, gen: genJoin},
		"delete":  {min: 1, max: 2, typ: typeDelete, gen: genDelete},
		"has_key": {min: 2, max: 2, typ: typeHasKey, gen: genHasKey},
		"signal":  {min: 1, max: 1, unsafe: true, typ: typeSignal, gen: genSignal},
		"ksym": {min: 1, max: 1, typ: func(ck *checker, call *ast.Call) *types.Type {
			ck.intArg(call, 0)
			return types.KSymT
		}, gen: func(g *gen, call *ast.Call) value {
			v := g.expr(call.Args[0])
			return value{t: types.KSymT, reg: v.reg}
		}},
		"kstack": {min: 0, max: 2, typ: func(ck *checker, call *ast.Call) *types.Type {
			return ck.stackArgs(call, false, call.Args)
		}, gen: func(g *gen, call *ast.Call) value { return g.stackValue(g.typeOf(call)) }},
		"kaddr": {min: 1, max: 1, typ: typeKaddr, gen: func(g *gen, call *ast.Call) value {
			return value{t: types.Uint64, reg: g.imm(int64(g.inst.kaddrs[call]))}
		}},
		"bswap": {min: 1, max: 1, typ: func(ck *checker, call *ast.Call) *types.Type {
			t := ck.intArg(call, 0)
			if t == nil {
				return nil
			}
			return types.IntType(t.Size, false)
		}, gen: func(g *gen, call *ast.Call) value {
			v := g.expr(call.Args[0])
			at := g.typeOf(call.Args[0])
			r := g.r(v.reg)
			g.emit(asm.HostTo(asm.BE, r, sizeOf(at.Size)))
			return value{t: g.typeOf(call), reg: v.reg}
		}},
	}
}

func (ck *checker) intArg(call *ast.Call, i int) *types.Type {
	t := ck.expr(call.Args[i])
	if t != nil && !scalar(t) {
		ck.errorf(call.Args[i], "%s() needs an integer, not %s", call.Name, t)
		return nil
	}
	return t
}

// call types a call. stmt is true when its value is discarded.
func (ck *checker) call(call *ast.Call, stmt bool) *types.Type {
	if bv, ok := builtinVars[call.Name]; ok && len(call.Args) == 0 {
		return bv.typ(ck, &ast.Ident{At: call.At, Name: call.Name})
	}
	if isAggregation(call.Name) {
		ck.errorf(call, "%s() must be assigned to a map, as in @name = %s(...)", call.Name, call.Name)
		return nil
	}
	fn, ok := functions[call.Name]
	if !ok {
		names := make([]string, 0, len(functions))
		for n := range functions {
			names = append(names, n)
		}
		sort.Strings(names)
		hint := ""
		if s := didYouMean(call.Name, names); s != "" {
			hint = fmt.Sprintf("did you mean %s()?", s)
		}
		ck.errorHint(call, hint, "unknown function %s()", call.Name)
		return nil
	}
	if len(call.Args) < fn.min || len(call.Args) > fn.max {
		ck.errorf(call, "%s() takes %s", call.Name, argCount(fn.min, fn.max))
		return nil
	}
	if fn.unsafe && !ck.c.opts.Unsafe {
		ck.errorf(call, "%s() is unsafe; run sonde with --unsafe to allow it", call.Name)
		return nil
	}
	t := fn.typ(ck, call)
	if t != nil && t.Kind == types.Void && !stmt {
		ck.errorf(call, "%s() has no value", call.Name)
		return nil
	}
	return t
}

func (g *gen) call(call *ast.Call) value {
	if bv, ok := builtinVars[call.Name]; ok && len(call.Args) == 0 {
		return bv.gen(g, g.typeOf(call))
	}
	return functions[call.Name].gen(g, call)
}

func (g *gen) callStmt(call *ast.Call) {
	if _, ok := functions[call.Name]; !ok {
		g.freeVal(g.call(call))
		return
	}
	v := functions[call.Name].gen(g, call)
	g.freeVal(v)
}

// formatted types printf-style calls: a literal format then arguments.
func formatted(ck *checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		ck.errorf(call.Args[0], "the format of %s() must be a string literal", call.Name)
		return nil
	}
	var ts []*types.Type
	for _, a := range call.Args[1:] {
		t := ck.expr(a)
		if t == nil {
			return nil
		}
		ts = append(ts, t)
	}
	if err := checkFormat(lit.Value, ts); err != nil {
		ck.errorf(call.Args[0], "%s", err)
	}
	ck.inst.types[call.Args[0]] = types.StringType(len(lit.Value) + 1)
	return types.VoidT
}

func typeTime(ck *checker, call *ast.Call) *types.Type {
	if len(call.Args) == 1 {
		if _, ok := call.Args[0].(*ast.StringLit); !ok {
			ck.errorf(call.Args[0], "time() takes a literal format string")
		}
	}
	return types.VoidT
}

func typeExit(ck *checker, call *ast.Call) *types.Type {
	if len(call.Args) == 1 {
		ck.intArg(call, 0)
	}
	if ck.loops > 0 {
		ck.errorf(call, "exit() is not allowed inside a loop")
	}
	return types.VoidT
}

func typeMapArg(ck *checker, call *ast.Call) *types.Type {
	m, ok := call.Args[0].(*ast.MapRef)
	if !ok || m.Keys != nil {
		ck.errorf(call.Args[0], "%s() takes a map, as in %s(@name)", call.Name, call.Name)
		return nil
	}
	if ck.c.maps[mapName(m.Name)] == nil {
		ck.errorf(m, "unknown map %s", mapName(m.Name))
		ck.c.pending = true
	}
	return types.VoidT
}

func typePrint(ck *checker, call *ast.Call) *types.Type {
	if m, ok := call.Args[0].(*ast.MapRef); ok && m.Keys == nil {
		for _, a := range call.Args[1:] {
			if _, ok := constInt(a); !ok {
				ck.errorf(a, "print() top and div must be integer literals")
			}
		}
		return typeMapArg(ck, call)
	}
	if len(call.Args) > 1 {
		ck.errorf(call.Args[1], "print() of a value takes one argument")
		return nil
	}
	if t := ck.expr(call.Args[0]); t == nil {
		return nil
	}
	return types.VoidT
}

func typeStr(ck *checker, call *ast.Call) *types.Type {
	if p, ok := call.Args[0].(*ast.Positional); ok && !p.Count {
		v := ck.c.opts.Positional(p.Index)
		ck.inst.types[p] = types.StringType(len(v) + 1)
		return types.StringType(len(v) + 1)
	}
	t := ck.expr(call.Args[0])
	if t == nil {
		return nil
	}
	size := ck.c.cfg.MaxStrlen
	if len(call.Args) == 2 {
		n, ok := constInt(call.Args[1])
		if ok {
			if n+1 < int64(size) {
				size = int(n) + 1
			}
		} else {
			ck.expr(call.Args[1])
		}
	}
	switch t.Kind {
	case types.String:
		return t
	case types.Pointer, types.Int:
	case types.Array:
		if t.Elem.Size == 1 {
			return types.StringType(t.Len + 1)
		}
		ck.errorf(call.Args[0], "str() needs a pointer or an integer address, not %s", t)
		return nil
	default:
		ck.errorf(call.Args[0], "str() needs a pointer or an integer address, not %s", t)
		return nil
	}
	return types.StringType(size)
}

func typeStrftime(ck *checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		ck.errorf(call.Args[0], "strftime() takes a literal format string")
		return nil
	}
	ck.intArg(call, 1)
	return &types.Type{Kind: types.Timestamp, Size: 8, Format: lit.Value}
}

func typeJoin(ck *checker, call *ast.Call) *types.Type {
	t := ck.expr(call.Args[0])
	if t != nil && !scalar(t) {
		ck.errorf(call.Args[0], "join() needs an array of strings (char **)")
	}
	if len(call.Args) == 2 {
		if _, ok := call.Args[1].(*ast.StringLit); !ok {
			ck.errorf(call.Args[1], "join() takes a literal separator")
		}
	}
	return types.VoidT
}

func typeDelete(ck *checker, call *ast.Call) *types.Type {
	m, ok := call.Args[0].(*ast.MapRef)
	if !ok {
		ck.errorf(call.Args[0], "delete() takes a map, as in delete(@m, key)")
		return nil
	}
	ms := ck.c.maps[mapName(m.Name)]
	if ms == nil {
		ck.errorf(m, "unknown map %s", mapName(m.Name))
		ck.c.pending = true
		return nil
	}
	if len(call.Args) == 2 {
		if m.Keys != nil {
			ck.errorf(call, "delete() takes either @m[key] or @m, key")
			return nil
		}
		t := ck.expr(call.Args[1])
		if t != nil && ms.key != nil && unify(ms.key, storageType(t)) == nil {
			ck.errorf(call.Args[1], "map %s has keys of type %s, not %s", ms.name, ms.key, t)
		}
		return types.BoolT
	}
	ck.mapKey(m)
	return types.BoolT
}

func typeHasKey(ck *checker, call *ast.Call) *types.Type {
	m, ok := call.Args[0].(*ast.MapRef)
	if !ok || m.Keys != nil {
		ck.errorf(call.Args[0], "has_key() takes a map, as in has_key(@m, key)")
		return nil
	}
	ms := ck.c.maps[mapName(m.Name)]
	if ms == nil {
		ck.errorf(m, "unknown map %s", mapName(m.Name))
		ck.c.pending = true
		return nil
	}
	if ms.key == nil && ms.keyless {
		ck.errorf(m, "has_key() needs a map with keys; %s has none", ms.name)
	}
	ck.expr(call.Args[1])
	return types.BoolT
}

func typeSignal(ck *checker, call *ast.Call) *types.Type {
	switch a := call.Args[0].(type) {
	case *ast.StringLit:
		if _, ok := signalNumbers[a.Value]; !ok {
			ck.errorf(a, "unknown signal %s", a.Value)
		}
	default:
		ck.intArg(call, 0)
	}
	return types.VoidT
}

var signalNumbers = map[string]int{
	"SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGILL": 4, "SIGTRAP": 5, "SIGABRT": 6, "SIGBUS": 7,
	"SIGFPE": 8, "SIGKILL": 9, "SIGUSR1": 10, "SIGSEGV": 11, "SIGUSR2": 12, "SIGPIPE": 13,
	"SIGALRM": 14, "SIGTERM": 15, "SIGCHLD": 17, "SIGCONT": 18, "SIGSTOP": 19, "SIGTSTP": 20,
}

func typeKaddr(ck *checker, call *ast.Call) *types.Type {
	lit, ok := call.Args[0].(*ast.StringLit)
	if !ok {
		ck.errorf(call.Args[0], "kaddr() takes a literal symbol name")
		return nil
	}
	syms := ck.c.opts.Symbols
	if syms == nil {
		ck.errorf(call, "kernel symbols are not available")
		return nil
	}
	addr, found := syms.KernelAddr(lit.Value)
	if !found {
		ck.errorf(lit, "unknown kernel symbol %s", lit.Value)
		return nil
	}
	ck.inst.kaddrs[call] = addr
	return types.Uint64
}

// ---- code generation ----

func genStr(g *gen, call *ast.Call) value {
	t := g.typeOf(call)
	if p, ok := call.Args[0].(*ast.Positional); ok && !p.Count {
		return g.stringLit(g.c.opts.Positional(p.Index), t)
	}
	at := g.typeOf(call.Args[0])
	v := g.expr(call.Args[0])
	if at.Kind == types.String {
		return v
	}
	if at.Kind == types.Array {
		l := g.alloc(t.Size)
		g.zero(l, t.Size)
		g.copyMem(l, v.mem, at.Size)
		return value{t: t, mem: l}
	}
	user := g.userSpace(at)
	var n *vreg
	if len(call.Args) == 2 {
		if _, ok := constInt(call.Args[1]); !ok {
			n = g.expr(call.Args[1]).reg
		}
	}
	l := g.alloc(t.Size)
	g.zero(l, t.Size)
	g.addr(asm.R1, l)
	if n != nil {
		// Runtime length: clamp to the buffer, plus one for the NUL.
		rn := g.r(n)
		g.emit(asm.Mov.Reg(asm.R2, rn), asm.Add.Imm(asm.R2, 1))
		ok := g.newLabel("strlen")
		g.emit(asm.JLE.Imm(asm.R2, int32(t.Size), ok), asm.Mov.Imm(asm.R2, int32(t.Size)))
		g.bind(ok)
		g.emit(asm.And.Imm(asm.R2, 0x7fff))
		g.free(n)
	} else {
		g.emit(asm.Mov.Imm(asm.R2, int32(t.Size)))
	}
	g.emit(asm.Mov.Reg(asm.R3, g.r(v.reg)))
	g.free(v.reg)
	switch {
	case user:
		g.emit(asm.FnProbeReadUserStr.Call())
	case isKernelFunc(g.inst.p.Provider):
		// Kernel functions take user and kernel pointers alike, and BTF
		// rarely says which (no __user tags without clang): the x86
		// compat helper picks the address space by the address.
		g.emit(asm.FnProbeReadStr.Call())
	default:
		g.emit(asm.FnProbeReadKernelStr.Call())
	}
	return value{t: t, mem: l}
}

// userSpace decides which address space an address points into.
func (g *gen) userSpace(t *types.Type) bool {
	if t.Kind == types.Pointer {
		return t.User
	}
	switch g.inst.p.Provider {
	case ProviderUprobe, ProviderUretprobe, ProviderUSDT:
		return true
	case ProviderTracepoint:
		return g.inst.p.Group == "syscalls"
	}
	return false
}

// genExit asks the runtime to stop and ends this probe run, as bpftrace does.
func genExit(g *gen, call *ast.Call) value {
	genAction(ActExit)(g, call)
	g.emit(asm.Ja.Label(g.exitLabel))
	return value{t: types.VoidT}
}

func genPrint(g *gen, call *ast.Call) value {
	if m, ok := call.Args[0].(*ast.MapRef); ok && m.Keys == nil {
		a := &Action{Kind: ActPrintMap, Map: mapName(m.Name), Source: sourceText(call)}
		if len(call.Args) > 1 {
			n, _ := constInt(call.Args[1])
			a.Top = int(n)
		}
		if len(call.Args) > 2 {
			n, _ := constInt(call.Args[2])
			a.Div = int(n)
		}
		g.sendEvent(g.c.addAction(a), nil, nil)
		return value{t: types.VoidT}
	}
	return genAction(ActPrintValue)(g, call)
}

func genMapAction(kind ActionKind) func(*gen, *ast.Call) value {
	return func(g *gen, call *ast.Call) value {
		m := call.Args[0].(*ast.MapRef)
		g.sendEvent(g.c.addAction(&Action{Kind: kind, Map: mapName(m.Name), Source: sourceText(call)}), nil, nil)
		return value{t: types.VoidT}
	}
}

// genAction sends an event record whose payload is the call's arguments
// (after the format, for formatted calls).
func genAction(kind ActionKind) func(*gen, *ast.Call) value {
	return func(g *gen, call *ast.Call) value {
		a := &Action{Kind: kind, Pos: call.Span().Start, Source: sourceText(call)}
		args := call.Args
		switch kind {
		case ActPrintf, ActErrorf, ActWarnf, ActCat, ActSystem:
			a.Format = args[0].(*ast.StringLit).Value
			args = args[1:]
		case ActTime:
			a.Format = "%H:%M:%S\n"
			if len(args) == 1 {
				a.Format = args[0].(*ast.StringLit).Value
			}
			args = nil
		}
		var elems []*types.Type
		for _, x := range args {
			elems = append(elems, storageType(g.typeOf(x)))
		}
		if len(elems) > 0 {
			a.Args = types.TupleOf(elems...)
		}
		g.sendEvent(g.c.addAction(a), a.Args, args)
		return value{t: types.VoidT}
	}
}

// addAction registers an action, sharing identical ones between the
// instances of a wildcard probe.
func (c *compiler) addAction(a *Action) int {
	key := fmt.Sprintf("%d|%q|%v|%s|%d|%d|%s|%s", a.Kind, a.Format, a.Args, a.Map, a.Top, a.Div, a.Sep, a.Pos)
	if id, ok := c.actionIDs[key]; ok {
		return id
	}
	id := len(c.plan.Actions)
	c.plan.Actions = append(c.plan.Actions, a)
	c.actionIDs[key] = id
	return id
}

// sendEvent writes [u64 id][payload] to the ring buffer.
func (g *gen) sendEvent(id int, layout *types.Type, args []ast.Expr) {
	g.c.usesRingbuf = true
	size := 8
	if layout != nil {
		size += layout.Size
	}
	l := g.alloc(size)
	if layout != nil {
		g.zero(l.plus(8), layout.Size)
		for i, x := range args {
			v := g.expr(x)
			f := layout.Fields[i]
			g.store(l.plus(8+f.Offset), f.Type, v)
			g.freeVal(v)
		}
	}
	b, off := g.base(l, asm.R5)
	g.emit(storeImm(b, off, int64(id), asm.DWord))
	g.emitOutput(l, size)
}

func (g *gen) emitOutput(l loc, size int) {
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(ringbufMap))
	g.addr(asm.R2, l)
	g.emit(asm.Mov.Imm(asm.R3, int32(size)), asm.Mov.Imm(asm.R4, 0), asm.FnRingbufOutput.Call())
	g.countLost()
}

// countLost bumps the lost-event counter when the ring buffer was full.
func (g *gen) countLost() {
	ok := g.newLabel("sent")
	g.emit(asm.JEq.Imm(asm.R0, 0, ok))
	l := g.alloc(8)
	b, off := g.base(l, asm.R5)
	g.emit(storeImm(b, off, int64(len(g.c.plan.Maps)), asm.DWord))
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(errorsMap))
	g.addr(asm.R2, l)
	g.emit(asm.FnMapLookupElem.Call())
	g.emit(asm.JEq.Imm(asm.R0, 0, ok))
	g.emit(asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord))
	g.bind(ok)
	g.c.usesErrors = true
}

const joinMax = 16

func genJoin(g *gen, call *ast.Call) value {
	a := &Action{Kind: ActJoin, Sep: " ", Source: sourceText(call)}
	if len(call.Args) == 2 {
		a.Sep = call.Args[1].(*ast.StringLit).Value
	}
	elem := min(g.c.cfg.MaxStrlen, 1024)
	a.Args = types.TupleOf(types.Uint64, types.ArrayOf(types.StringType(elem), joinMax))
	id := g.c.addAction(a)
	size := 8 + a.Args.Size
	l := g.alloc(size)
	arr := g.expr(call.Args[0])
	user := g.userSpace(g.typeOf(call.Args[0]))
	read, readStr := asm.FnProbeReadKernel, asm.FnProbeReadKernelStr
	if user {
		read, readStr = asm.FnProbeReadUser, asm.FnProbeReadUserStr
	}
	b, off := g.base(l, asm.R5)
	g.emit(storeImm(b, off, int64(id), asm.DWord))
	done := g.newLabel("joindone")
	ptrSlot := g.alloc(8)
	for i := 0; i < joinMax; i++ {
		// n = i; ptr = arr[i]; stop at NULL.
		b, off = g.base(l, asm.R5)
		g.emit(storeImm(b, off+8, int64(i), asm.DWord))
		g.addr(asm.R1, ptrSlot)
		g.emit(asm.Mov.Imm(asm.R2, 8), asm.Mov.Reg(asm.R3, g.r(arr.reg)), asm.Add.Imm(asm.R3, int32(i*8)), read.Call())
		g.emit(asm.JNE.Imm(asm.R0, 0, done))
		b, off = g.base(ptrSlot, asm.R5)
		g.emit(asm.LoadMem(asm.R3, b, off, asm.DWord), asm.JEq.Imm(asm.R3, 0, done))
		dst := l.plus(16 + i*elem)
		g.addr(asm.R1, dst)
		g.emit(asm.Mov.Imm(asm.R2, int32(elem)), readStr.Call())
	}
	b, off = g.base(l, asm.R5)
	g.emit(storeImm(b, off+8, joinMax, asm.DWord))
	g.bind(done)
	g.free(arr.reg)
	g.emitOutput(l, size)
	return value{t: types.VoidT}
}

func genDelete(g *gen, call *ast.Call) value {
	m := call.Args[0].(*ast.MapRef)
	info := g.mapInfo(m)
	var key loc
	if len(call.Args) == 2 {
		key = g.alloc(info.Key.Size)
		g.zero(key, info.Key.Size)
		v := g.expr(call.Args[1])
		g.store(key, info.Key, v)
		g.freeVal(v)
	} else {
		key, _ = g.keyFor(m, info, 0)
	}
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(info.MapName))
	g.addr(asm.R2, key)
	g.emit(asm.FnMapDeleteElem.Call())
	v := g.newReg()
	r := g.r(v)
	// delete returns true when the key existed (R0 == 0).
	g.emit(asm.Mov.Imm(r, 1))
	ok := g.newLabel("deleted")
	g.emit(asm.JEq.Imm(asm.R0, 0, ok), asm.Mov.Imm(r, 0))
	g.bind(ok)
	g.emit(asm.Mov.Reg(r, r))
	return value{t: types.BoolT, reg: v}
}

func genHasKey(g *gen, call *ast.Call) value {
	m := call.Args[0].(*ast.MapRef)
	info := g.mapInfo(m)
	key := g.alloc(info.Key.Size)
	g.zero(key, info.Key.Size)
	kv := g.expr(call.Args[1])
	g.store(key, info.Key, kv)
	g.freeVal(kv)
	g.lookup(info, key)
	v := g.newReg()
	r := g.r(v)
	g.emit(asm.Mov.Imm(r, 0))
	no := g.newLabel("nokey")
	g.emit(asm.JEq.Imm(asm.R0, 0, no), asm.Mov.Imm(r, 1))
	g.bind(no)
	g.emit(asm.Mov.Reg(r, r))
	return value{t: types.BoolT, reg: v}
}

func genSignal(g *gen, call *ast.Call) value {
	if lit, ok := call.Args[0].(*ast.StringLit); ok {
		g.emit(asm.Mov.Imm(asm.R1, int32(signalNumbers[lit.Value])))
	} else {
		v := g.expr(call.Args[0])
		g.emit(asm.Mov.Reg(asm.R1, g.r(v.reg)))
		g.free(v.reg)
	}
	g.emit(asm.FnSendSignal.Call())
	return value{t: types.VoidT}
}
