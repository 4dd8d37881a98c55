package compiler

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"sonde/stdlib"
	"sonde/types"
)

// Stacks: kstack (and ustack, which shares this machinery) are ids into a
// BPF_MAP_TYPE_STACK_TRACE map filled by bpf_get_stackid. There is one
// stack map per frame limit (its value size is 8 bytes per frame); the
// print mode travels in the type. A kernel stack is an 8-byte id; a user
// stack is {id u64, pid u64} so the runtime symbolizes it in the process.

const (
	stackMapEntries = 4096
	bpfFUserStack   = 1 << 8 // BPF_F_USER_STACK
)

// stackValue emits bpf_get_stackid into the stack map of t. A stack that
// cannot be taken (no stack, map full) has id -1, which prints as an empty
// stack.
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
	// Every failure (no stack in this context, a full or colliding map)
	// is one id, so they count under one empty stack, not one per errno.
	ok := g.newLabel("stackok")
	g.emit(asm.JSGE.Imm(asm.R0, 0, ok), asm.Mov.Imm(asm.R0, -1))
	g.bind(ok)
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
	name := stdlib.StackMapName(limit)
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
