package compiler

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/stdlib"
	"sonde/types"
)

// Stacks: kstack (and ustack, which shares this machinery) are ids into a
// stack map, one per frame limit; the print mode travels in the type. A
// kernel stack is an 8-byte id; a user stack is {id u64, pid u64} so the
// runtime symbolizes it in the process.
//
// The id is a 64-bit hash of the frames, and the map a hash map from it to
// the frames (bpf_get_stack into a buffer, then an insert if new). A
// BPF_MAP_TYPE_STACK_TRACE map (bpf_get_stackid) would be simpler, but it
// keeps one stack per hash bucket and drops any other stack that lands in
// a taken bucket: with a few hundred distinct stacks a 4096-entry map
// already loses samples. A 64-bit hash makes collisions negligible.

const (
	stackMapEntries = 65536                // distinct stacks kept; entries are allocated as used
	bpfFUserStack   = 1 << 8               // BPF_F_USER_STACK
	bpfFNoPrealloc  = 1                    // BPF_F_NO_PREALLOC
	fnvOffset       = -3750763034362895579 // 0xcbf29ce484222325
	fnvPrime        = 0x100000001b3
)

const (
	defaultStackLimit = 127  // bpftrace's default, also perf_event_max_stack's
	maxStackLimit     = 1024 // bpftrace's maximum
)

func stackMapName(limit int) string { return fmt.Sprintf("stack_%d", limit) }

// StackType implements stdlib.Checker for kstack and ustack.
func (ck *checker) StackType(n ast.Node, user bool, args []ast.Expr) *types.Type {
	return ck.stackArgs(n, user, args)
}

// Stack implements stdlib.Gen for kstack and ustack.
func (g *gen) Stack(t *types.Type) stdlib.Value { return g.stackValue(t) }

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

// stackValue takes the current stack into the stack map of t and returns
// its id. A stack that cannot be taken (none in this context) has id 0,
// which prints as an empty stack.
func (g *gen) stackValue(t *types.Type) value {
	g.useStackMap(t.StackLimit)
	size := 8 * t.StackLimit
	var flags int32
	if t.Kind == types.UStack {
		flags = bpfFUserStack
	}
	buf := g.alloc(size)
	// bpf_get_stack(ctx, buf, size, flags) fills buf and zeroes the rest.
	g.emit(asm.LoadMem(asm.R1, asm.RFP, ctxSlot, asm.DWord))
	g.addr(asm.R2, buf)
	g.emit(asm.Mov.Imm(asm.R3, int32(size)), asm.Mov.Imm(asm.R4, flags), asm.FnGetStack.Call())

	id := g.newReg()
	h := g.r(id)
	done := g.newLabel("stackdone")
	empty := g.newLabel("stackempty")
	g.emit(asm.JSLE.Imm(asm.R0, 0, empty))
	// FNV-1a over the frames, unrolled: constant offsets need no bounds
	// proofs, and the first zero frame ends it.
	g.emit(asm.LoadImm(h, fnvOffset, asm.DWord), asm.LoadImm(asm.R4, fnvPrime, asm.DWord))
	hashed := g.newLabel("stackhashed")
	for i := 0; i < t.StackLimit; i++ {
		b, off := g.base(buf.plus(8*i), asm.R5)
		g.emit(
			asm.LoadMem(asm.R1, b, off, asm.DWord),
			asm.JEq.Imm(asm.R1, 0, hashed),
			asm.Xor.Reg(h, asm.R1),
			asm.Mul.Reg(h, asm.R4),
		)
	}
	g.bind(hashed)
	// Keep the id non-zero: zero means no stack.
	nz := g.newLabel("stacknz")
	g.emit(asm.JNE.Imm(h, 0, nz), asm.Mov.Imm(h, 1))
	g.bind(nz)
	// Insert the frames under the id unless already there.
	key := g.alloc(8)
	kb, koff := g.base(key, asm.R5)
	g.emit(asm.StoreMem(kb, koff, h, asm.DWord))
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(t.StackMap))
	g.addr(asm.R2, key)
	g.addr(asm.R3, buf)
	g.emit(asm.Mov.Imm(asm.R4, bpfNoExist), asm.FnMapUpdateElem.Call())
	g.emit(asm.Ja.Label(done))
	g.bind(empty)
	g.emit(asm.Mov.Imm(h, 0))
	g.bind(done)
	if t.Kind == types.KStack {
		return value{t: t, reg: id}
	}
	l := g.alloc(16)
	b, off := g.base(l, asm.R5)
	g.emit(asm.StoreMem(b, off, g.r(id), asm.DWord))
	g.free(id)
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
		Name: name, Type: ebpf.Hash, KeySize: 8, ValueSize: uint32(8 * limit),
		MaxEntries: stackMapEntries, Flags: bpfFNoPrealloc,
	}
}

// addStackMaps adds the stack maps, in name order, to the spec and plan.
func (c *compiler) addStackMaps() {
	for _, name := range slices.Sorted(maps.Keys(c.stackMaps)) {
		c.spec.Maps = append(c.spec.Maps, c.stackMaps[name])
		c.plan.StackMaps = append(c.plan.StackMaps, name)
	}
}
