package compiler

import (
	"sonde/agg"
	"sonde/plan"

	"fmt"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/stdlib"
	"sonde/types"
)

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
	if bv, ok := stdlib.LookupVar(call.Name); ok && len(call.Args) == 0 {
		return bv.Type(ck, &ast.Ident{At: call.At, Name: call.Name})
	}
	if _, ok := agg.Lookup(call.Name); ok {
		ck.errorf(call, "%s() must be assigned to a map, as in @name = %s(...)", call.Name, call.Name)
		return nil
	}
	fn, ok := stdlib.LookupFunc(call.Name)
	if why, unsupported := stdlib.UnsafeUnsupported[call.Name]; !ok && unsupported {
		if !ck.c.opts.Unsafe {
			ck.unsafe(call)
		} else {
			ck.errorf(call, "%s", why)
		}
		return nil
	}
	if !ok {
		hint := ""
		if s := didYouMean(call.Name, append(stdlib.FuncNames(), agg.Names()...)); s != "" {
			hint = fmt.Sprintf("did you mean %s()?", s)
		}
		ck.errorHint(call, hint, "unknown function %s()", call.Name)
		return nil
	}
	if len(call.Args) < fn.Min || len(call.Args) > fn.Max {
		ck.errorf(call, "%s() takes %s", call.Name, argCount(fn.Min, fn.Max))
		return nil
	}
	if fn.Unsafe && !ck.c.opts.Unsafe {
		ck.unsafe(call)
		return nil
	}
	t := fn.Type(ck, call)
	if t != nil && t.Kind == types.Void && !stmt {
		ck.errorf(call, "%s() has no value", call.Name)
		return nil
	}
	return t
}

func (g *gen) call(call *ast.Call) value {
	if fn, ok := stdlib.LookupFunc(call.Name); ok {
		return asValue(fn.Gen(g, call))
	}
	bv, _ := stdlib.LookupVar(call.Name)
	return g.builtinVar(bv, call, g.typeOf(call))
}

func (g *gen) callStmt(call *ast.Call) {
	g.freeVal(g.call(call))
}

// userSpace decides which address space an address points into.
func (g *gen) userSpace(t *types.Type) bool {
	if t.Kind == types.Pointer {
		return t.User
	}
	return g.inst.d.UserPointers(g.inst.p.Group)
}

// addAction registers an action, sharing identical ones between the
// instances of a wildcard probe.
func (c *compiler) addAction(a *plan.Action) int {
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
	g.emitOutputFlags(l, size, wakeFlags(g.c.plan.Actions[id].Kind))
}

// Wakeup flags of bpf_ringbuf_output.
const (
	rbNoWakeup    = 1 // BPF_RB_NO_WAKEUP
	rbForceWakeup = 2 // BPF_RB_FORCE_WAKEUP
)

// wakeFlags: records that only print skip the reader's wakeup, which would
// cost the traced task about 0.2 us per event; the reader polls the ring
// every few milliseconds instead. Records that steer the run (exit, map
// printing and clearing, commands) wake it at once.
func wakeFlags(k plan.ActionKind) int32 {
	switch k {
	case plan.ActPrintf, plan.ActPrintValue, plan.ActTime, plan.ActJoin, plan.ActErrorf, plan.ActWarnf:
		return rbNoWakeup
	}
	return rbForceWakeup
}

func (g *gen) emitOutput(l loc, size int) { g.emitOutputFlags(l, size, rbForceWakeup) }

func (g *gen) emitOutputFlags(l loc, size int, flags int32) {
	g.c.usesRingbuf = true // a script whose only output is join() needs the ring too
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(ringbufMap))
	g.addr(asm.R2, l)
	g.emit(asm.Mov.Imm(asm.R3, int32(size)), asm.Mov.Imm(asm.R4, flags), asm.FnRingbufOutput.Call())
	g.countLost()
}

// countLost bumps the lost-event counter when the ring buffer was full.
func (g *gen) countLost() {
	ok := g.newLabel("sent")
	g.emit(asm.JEq.Imm(asm.R0, 0, ok))
	g.bumpError(len(g.c.plan.Maps), ok)
}

// unsafe refuses a function that changes the system (runs commands, sends
// signals, writes memory), in bpftrace's words.
func (ck *checker) unsafe(call *ast.Call) {
	ck.errorHint(call, "run sonde with --unsafe to allow it", "%s() is an unsafe function being used in safe mode", call.Name)
}
