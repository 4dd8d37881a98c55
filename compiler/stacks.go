package compiler

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

// Stacks: kstack (and ustack, which shares this machinery) are ids into a
// BPF_MAP_TYPE_STACK_TRACE map filled by bpf_get_stackid. There is one
// stack map per frame limit (its value size is 8 bytes per frame); the
// print mode travels in the type. A kernel stack is an 8-byte id; a user
// stack is {id u64, pid u64} so the runtime symbolizes it in the process.

const (
	defaultStackLimit = 127  // bpftrace's default, also perf_event_max_stack's
	maxStackLimit     = 1024 // bpftrace's maximum
	stackMapEntries   = 4096

	bpfFUserStack = 1 << 8 // BPF_F_USER_STACK
)

func stackMapName(limit int) string { return fmt.Sprintf("stack_%d", limit) }

// stackArgs types kstack/ustack and kstack(mode), kstack(limit),
// kstack(mode, limit).
func (ck *checker) stackArgs(n ast.Node, user bool, args []ast.Expr) *types.Type {
	name := "kstack"
	if user {
		name = "ustack"
	}
	mode, limit := ck.c.cfg.StackMode, defaultStackLimit
	for i, a := range args {
		if id, ok := a.(*ast.Ident); ok && i == 0 {
			switch id.Name {
			case "bpftrace":
				mode = types.StackBpftrace
			case "perf":
				mode = types.StackPerf
			case "raw":
				mode = types.StackRaw
			default:
				ck.errorf(a, "unknown stack mode %s; use bpftrace, perf or raw", id.Name)
				return nil
			}
			continue
		}
		v, ok := constInt(a)
		if !ok {
			ck.errorf(a, "%s() takes a mode (bpftrace, perf, raw) and a constant frame limit", name)
			return nil
		}
		if v < 1 || v > maxStackLimit {
			ck.errorf(a, "the frame limit of %s() must be between 1 and %d", name, maxStackLimit)
			return nil
		}
		limit = int(v)
	}
	return stackType(user, mode, limit)
}

// stackType is the type of a stack value.
func stackType(user bool, mode types.StackMode, limit int) *types.Type {
	t := &types.Type{Kind: types.KStack, Size: 8, StackMode: mode, StackLimit: limit, StackMap: stackMapName(limit)}
	if user {
		t.Kind, t.Size = types.UStack, 16
	}
	return t
}

// stackValue emits bpf_get_stackid into the stack map of t. A stack that
// cannot be taken (no stack, map full) keeps the negative error as its id,
// which prints as an empty stack.
func (g *gen) stackValue(t *types.Type) value {
	g.useStackMap(t.StackLimit)
	var flags int32
	if t.Kind == types.UStack {
		flags = bpfFUserStack
	}
	g.emit(
		asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord),
		asm.LoadMapPtr(asm.R2, 0).WithReference(t.StackMap),
		asm.Mov.Imm(asm.R3, flags),
		asm.FnGetStackid.Call(),
	)
	if t.Kind == types.KStack {
		v := g.newReg()
		g.emit(asm.Mov.Reg(g.r(v), asm.R0))
		return value{t: t, reg: v}
	}
	l := g.alloc(16)
	b, off := g.base(l, asm.R5)
	g.emit(asm.StoreMem(b, off, asm.R0, asm.DWord))
	g.emit(asm.FnGetCurrentPidTgid.Call(), asm.RSh.Imm(asm.R0, 32))
	b, off = g.base(l, asm.R5)
	g.emit(asm.StoreMem(b, off+8, asm.R0, asm.DWord))
	return value{t: t, mem: l}
}

// useStackMap declares the stack map for a frame limit.
func (g *gen) useStackMap(limit int) {
	name := stackMapName(limit)
	if _, ok := g.c.stackMaps[name]; ok {
		return
	}
	g.c.stackMaps[name] = &ebpf.MapSpec{
		Name: name, Type: ebpf.StackTrace, KeySize: 4, ValueSize: uint32(8 * limit), MaxEntries: stackMapEntries,
	}
}

// addStackMaps adds the stack maps, in name order, to the spec and plan.
func (c *compiler) addStackMaps() {
	for _, name := range sortedKeys(c.stackMaps) {
		c.spec.Maps = append(c.spec.Maps, c.stackMaps[name])
		c.plan.StackMaps = append(c.plan.StackMaps, name)
	}
}
