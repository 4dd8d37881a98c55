package compiler

import (
	"sonde/plan"

	"fmt"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"

	"sonde/lang/ast"
	"sonde/provider"
	"sonde/stdlib"
	"sonde/types"
)

// loc is where an aggregate value (string, tuple, key) lives: on the BPF
// stack (fp-relative) or in the per-CPU scratch buffer.
type loc struct {
	scratch bool
	off     int
}

func (l loc) plus(n int) loc { return loc{l.scratch, l.off + n} }

// value is an evaluated expression: a scalar in a vreg, or bytes at a loc.
type value struct {
	t   *types.Type
	reg *vreg
	mem loc
}

func (v value) isMem() bool { return v.reg == nil }

type loopLabels struct{ brk, cont string }

// gen lowers one instance to instructions.
type gen struct {
	emitter
	c      *compiler
	inst   *instance
	rf     regFile
	locked map[*vreg]bool
	frame  frame
	// kept vregs belong to an expression around a block expression: the
	// block's statements must not free them.
	kept map[*vreg]bool
	// loopSpans are the loops with run-time bounds, for load errors.
	loopSpans []ast.Span

	scratchTop, scratchMax int
	exitLabel              string
	loops                  []loopLabels
	probeStr               string
	// builtin is the builtin variable being lowered, where its errors
	// point.
	builtin ast.Node

	// Subprograms (map iteration callbacks, see foreach.go). root is the
	// probe's gen; a callback's gen has its own frame and registers.
	root        *gen
	subprogs    []subprog // on root: callbacks to append after the probe
	lenSym      string    // on root: the len() callback, once made
	nsearch     int       // on root: search callbacks made (search.go)
	callDepth   int       // stack of the deepest callback chain below
	scratchBase int       // scratch top when a callback's gen started
}

const (
	ctxSlot     = -8
	scratchSlot = -16
	scratchMap  = "scratch"
	ringbufMap  = "events"
	errorsMap   = "map_errors"
	globalsMap  = "globals"
)

func (c *compiler) generate(inst *instance) {
	g := &gen{c: c, inst: inst, locked: map[*vreg]bool{}}
	g.root = g
	g.frame.limit = stackLimit
	g.frame.top = 16 // ctx and scratch base slots
	g.frame.max = 16
	g.exitLabel = g.newLabel("exit")

	// Variables get permanent slots before any temporaries, for-range
	// counters first: the verifier bounds a loop only by a counter on the
	// stack (read from the scratch map of a full frame, it is unknown on
	// every pass: "infinite loop detected").
	counters := rangeCounters(inst)
	for _, v := range inst.allVars {
		if counters[v] {
			v.slot = g.alloc(v.t.Size)
		}
	}
	for _, v := range inst.allVars {
		if !counters[v] {
			v.slot = g.alloc(v.t.Size)
		}
	}
	if pid := c.opts.Pid; pid != 0 && inst.d.Scope == provider.ScopeFilter {
		// -p PID: probes that are not attached to the process itself get
		// an implicit pid == PID predicate, as in bpftrace.
		g.emit(asm.FnGetCurrentPidTgid.Call(), asm.RSh.Imm(asm.R0, 32), asm.JNE.Imm(asm.R0, int32(pid), g.exitLabel))
	}
	g.iterPrologue()
	if inst.probe.Pred != nil {
		g.setSource(inst.probe.Pred)
		g.condJump(inst.probe.Pred, g.exitLabel)
		g.endStmt()
	}
	g.block(inst.probe.Body)
	g.bind(g.exitLabel)
	g.emit(asm.Mov.Imm(asm.R0, 0), asm.Return())
	body := g.finish()

	var pro asm.Instructions
	pro = append(pro, asm.StoreMem(asm.RFP, ctxSlot, asm.R1, asm.DWord).WithSymbol(progSymbol(inst)).WithSource(sourceOf(inst.probe)))
	if g.scratchMax > 0 {
		pro = append(pro,
			storeImm(asm.RFP, scratchSlot, 0, asm.Word),
			asm.LoadMapPtr(asm.R1, 0).WithReference(scratchMap),
			asm.Mov.Reg(asm.R2, asm.RFP),
			asm.Add.Imm(asm.R2, scratchSlot),
			asm.FnMapLookupElem.Call(),
			asm.JEq.Imm(asm.R0, 0, g.resolve(g.exitLabel)),
			asm.StoreMem(asm.RFP, scratchSlot, asm.R0, asm.DWord),
		)
		if g.scratchMax > c.scratchSize {
			c.scratchSize = g.scratchMax
		}
	}
	insns := append(pro, body...)
	if subs := liveSubprogs(body, g.subprogs); len(subs) > 0 {
		// Callbacks need BTF func info for every function.
		insns[0] = btf.WithFuncMetadata(insns[0], probeFunc(progSymbol(inst)))
		for _, sp := range subs {
			insns = append(insns, sp.insns...)
		}
	}
	if n := longestJump(insns); n > maxJump {
		c.errorAt(inst.probe.Span(), "", "probe is too large: a branch spans %d instructions; BPF jumps reach %d (split the probe or unroll less)", n, maxJump)
	}
	if g.frame.max > stackLimit {
		c.errorAt(inst.probe.Span(), "", "probe needs %d bytes of stack; the BPF limit is 512", g.frame.max)
	} else if d := frameDepth(g.frame.max) + g.callDepth; g.callDepth > 0 && d > stackLimit {
		c.errorAt(inst.probe.Span(), "", "probe and its map loops need %d bytes of stack together; the BPF limit is 512", d)
	}
	typ, attach, to := programType(inst.p)
	spec := &ebpf.ProgramSpec{
		Name:         progName(inst),
		Type:         typ,
		AttachType:   attach,
		AttachTo:     to,
		License:      "GPL",
		Instructions: insns,
	}
	c.spec.Programs = append(c.spec.Programs, &plan.Program{Probe: inst.p, Spec: spec, Loops: g.loopSpans})
}

func progSymbol(inst *instance) string { return fmt.Sprintf("probe%d", inst.p.ID) }

// progName is the kernel-visible program name (15 chars max).
func progName(inst *instance) string {
	s := inst.p.Event
	if s == "" {
		s = inst.p.Provider
	}
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	name := b.String()
	if len(name) > 15 {
		name = name[:15]
	}
	return name
}

// alloc reserves size bytes for a value: on the stack while it fits
// comfortably, else in the per-CPU scratch buffer.
func (g *gen) alloc(size int) loc {
	size = (size + 7) &^ 7
	if size <= 64 && g.frame.top+size <= 384 {
		return loc{off: int(g.frame.alloc(size))}
	}
	off := g.scratchTop
	g.scratchTop += size
	if g.scratchTop > g.scratchMax {
		g.scratchMax = g.scratchTop
	}
	return loc{scratch: true, off: off}
}

type mark struct{ stack, scratch int }

func (g *gen) mark() mark     { return mark{g.frame.top, g.scratchTop} }
func (g *gen) release(m mark) { g.frame.top, g.scratchTop = m.stack, m.scratch }

// endStmt frees every temporary vreg at a statement boundary.
func (g *gen) endStmt() {
	for _, v := range append([]*vreg(nil), g.rf.live...) {
		if !g.kept[v] {
			g.free(v)
		}
	}
}

// base returns a register and offset addressing l: fp for the stack, or
// tmp loaded with the scratch base.
func (g *gen) base(l loc, tmp asm.Register) (asm.Register, int16) {
	if !l.scratch {
		return asm.RFP, int16(l.off)
	}
	g.emit(asm.LoadMem(tmp, asm.RFP, scratchSlot, asm.DWord))
	return tmp, int16(l.off)
}

// addr puts the address of l into dst.
func (g *gen) addr(dst asm.Register, l loc) {
	if !l.scratch {
		g.emit(asm.Mov.Reg(dst, asm.RFP), asm.Add.Imm(dst, int32(l.off)))
		return
	}
	g.emit(asm.LoadMem(dst, asm.RFP, scratchSlot, asm.DWord))
	if l.off != 0 {
		g.emit(asm.Add.Imm(dst, int32(l.off)))
	}
}

// sizeOf is the load/store size for an n-byte integer.
var sizeOf = stdlib.AccessSize

// zero clears size bytes at l.
func (g *gen) zero(l loc, size int) {
	b, off := g.base(l, asm.R5)
	for i := 0; i < size; {
		w := alignedWidth(int(off)+i, size-i)
		g.emit(storeImm(b, off+int16(i), 0, sizeOf(w)))
		i += w
	}
}

// alignedWidth is the widest access (8, 4, 2 or 1 bytes) at offset off
// that is aligned and fits in n bytes: the verifier rejects misaligned
// stack access, and packed tuples put strings at odd offsets.
func alignedWidth(off, n int) int {
	w := 8
	for w > 1 && (w > n || off%w != 0) {
		w /= 2
	}
	return w
}

// storeReg stores the low size bytes of r at b+off, in aligned pieces when
// off is not aligned for size (a hist bucket after a bool key; the verifier
// rejects misaligned stack access). R0 is the scratch register.
func (g *gen) storeReg(b asm.Register, off int16, r asm.Register, size int) {
	if alignedWidth(int(off), size) == size {
		g.emit(asm.StoreMem(b, off, r, sizeOf(size)))
		return
	}
	for i := 0; i < size; {
		w := alignedWidth(int(off)+i, size-i)
		g.emit(asm.Mov.Reg(asm.R0, r))
		if i > 0 {
			g.emit(asm.RSh.Imm(asm.R0, int32(8*i)))
		}
		g.emit(asm.StoreMem(b, off+int16(i), asm.R0, sizeOf(w)))
		i += w
	}
}

// copyMem copies n bytes from src to dst.
func (g *gen) copyMem(dst, src loc, n int) {
	if n > 128 {
		g.addr(asm.R1, dst)
		g.emit(asm.Mov.Imm(asm.R2, int32(n)))
		g.addr(asm.R3, src)
		g.emit(asm.FnProbeReadKernel.Call())
		return
	}
	sb, soff := g.base(src, asm.R4)
	db, doff := g.base(dst, asm.R5)
	// The widest access that keeps both sides aligned: the verifier
	// rejects misaligned stack access (strings in records are packed).
	for i := 0; i < n; {
		w := min(alignedWidth(int(soff)+i, n-i), alignedWidth(int(doff)+i, n-i))
		size := sizeOf(w)
		g.emit(asm.LoadMem(asm.R0, sb, soff+int16(i), size), asm.StoreMem(db, doff+int16(i), asm.R0, size))
		i += w
	}
}

// store writes v into dst laid out as type t (t is a storage type).
func (g *gen) store(dst loc, t *types.Type, v value) {
	if !v.isMem() {
		r := g.r(v.reg)
		b, off := g.base(dst, asm.R5)
		size := t.Size
		if t.Kind == types.Bool {
			size = 1
		}
		g.storeReg(b, off, r, size)
		return
	}
	switch t.Kind {
	case types.String:
		n := min(v.t.Size, t.Size)
		if n < t.Size {
			g.zero(dst, t.Size)
		}
		g.copyMem(dst, v.mem, n)
		if n == t.Size && v.t.Size > t.Size {
			// Truncated: keep it NUL-terminated.
			b, off := g.base(dst, asm.R5)
			g.emit(storeImm(b, off+int16(t.Size-1), 0, asm.Byte))
		}
	case types.Tuple, types.Record:
		if types.Equal(t, v.t) {
			g.copyMem(dst, v.mem, t.Size)
			return
		}
		g.zero(dst, t.Size)
		for i, f := range t.Fields {
			sf := v.t.Fields[i]
			fv := g.loadField(v.mem.plus(sf.Offset), sf.Type)
			g.store(dst.plus(f.Offset), f.Type, fv)
			g.freeVal(fv)
		}
	default:
		g.copyMem(dst, v.mem, min(t.Size, v.t.Size))
	}
}

// loadField reads a field stored at l: scalars into a vreg, aggregates by
// reference.
func (g *gen) loadField(l loc, t *types.Type) value {
	if isMemType(t) {
		return value{t: t, mem: l}
	}
	v := g.newReg()
	r := g.r(v)
	b, off := g.base(l, asm.R5)
	size := t.Size
	if t.Kind == types.Bool {
		size = 1
	}
	g.emit(asm.LoadMem(r, b, off, sizeOf(size)))
	if t.Signed && size < 8 {
		g.signExtend(r, size)
	}
	return value{t: t, reg: v}
}

func (g *gen) signExtend(r asm.Register, size int) {
	sh := int32(64 - size*8)
	g.emit(asm.LSh.Imm(r, sh), asm.ArSh.Imm(r, sh))
}

func (g *gen) freeVal(v value) {
	if v.reg != nil {
		g.free(v.reg)
	}
}

// isMemType reports whether values of t live in memory rather than a register.
func isMemType(t *types.Type) bool {
	switch t.Kind {
	case types.String, types.Tuple, types.Record, types.Array, types.Struct, types.Buffer, types.USym, types.UStack, types.Inet, types.Macaddr:
		return true
	}
	return false
}

// materialize makes sure v is in memory (copying a scalar to a temporary).
func (g *gen) materialize(v value, t *types.Type) loc {
	if v.isMem() && types.Equal(v.t, t) {
		return v.mem
	}
	l := g.alloc(t.Size)
	g.store(l, t, v)
	g.freeVal(v)
	return l
}

// imm returns a vreg holding the constant n.
func (g *gen) imm(n int64) *vreg {
	v := g.newReg()
	r := g.r(v)
	if n >= -1<<31 && n < 1<<31 {
		g.emit(asm.Mov.Imm(r, int32(n)))
	} else {
		g.emit(asm.LoadImm(r, n, asm.DWord))
	}
	return v
}

// call emits a helper call with args already placed in R1-R5 and returns a
// vreg holding R0.
func (g *gen) callResult(fn asm.BuiltinFunc) *vreg {
	g.emit(fn.Call())
	v := g.newReg()
	g.emit(asm.Mov.Reg(g.r(v), asm.R0))
	return v
}

func (g *gen) typeOf(e ast.Expr) *types.Type { return g.inst.types[e] }
